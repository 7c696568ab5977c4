/** What `npm run bench -- --wan-pack DIR` measures (bench/wanCost.ts): one place, so the report can print it. */

/** The three components, each measured in its own process. */
export type WanComponent = 'text' | 'dit' | 'vae';
export const WAN_COMPONENTS: readonly WanComponent[] = ['text', 'dit', 'vae'];

/** onnxruntime-node's CPU provider, or onnxruntime-web's WASM backend run in Node (the browser's CPU path). */
export type WanBackend = 'native' | 'wasm';

/** A prompt of about twenty umT5 tokens (a real tokenizer's count; a synthetic pack's tokenizer may split it otherwise). */
export const WAN_PROMPT = 'a golden retriever running along a sandy beach at sunset, waves rolling in, cinematic lighting, slow motion';

/** The clip the issue fixes for the cost: 320×192, 17 frames = latents 16×5×24×40, 1,200 DiT tokens. */
export const WAN_CLIP = { width: 320, height: 192, frames: 17 } as const;

/** Samplers the seconds-per-clip estimate (P6) is given for. */
export interface WanSampler {
  readonly name: string;
  readonly steps: number;
  /** Classifier-free guidance: a negative prompt to encode and a second DiT row every step. */
  readonly cfg: boolean;
}

export const WAN_SAMPLERS: readonly WanSampler[] = [
  { name: 'base (UniPC, 20 steps, CFG)', steps: 20, cfg: true },
  { name: 'distilled (4 steps, no CFG)', steps: 4, cfg: false },
];

/**
 * Timed repetitions per component and backend (the first prompt and DiT forward warm onnxruntime's
 * allocations up; the VAE's step graph already runs four times in one decode). On WASM, where a DiT
 * forward at full size takes minutes, it runs once.
 */
export const WAN_REPETITIONS: Readonly<Record<WanBackend, Readonly<Record<WanComponent, number>>>> = {
  native: { text: 3, dit: 2, vae: 1 },
  wasm: { text: 2, dit: 1, vae: 1 },
};
