/**
 * Text → video: the whole sampling algorithm, in the order it runs. Knows nothing of onnxruntime or
 * the DOM: it drives a `ModelRunner`, so the browser worker and the CLI run this same code.
 */
import type { Manifest } from '../models/manifest';
import { createScheduler } from '../schedulers/registry';
import { checkConditioning, conditionedNoise, conditioningHooks, type LatentConditioning } from './conditioning';
import { PipelineError } from './errors';
import { applyGuidance } from './guidance';
import { checkFrameCount, decodedFrameCount, latentDims, resolveSize } from './latents';
import type { ModelRunner, Tensor32 } from './modelRunner';
import { gaussianNoise, stepNoiseSeed } from './noise';
import { patchify, patchPositions, tokenGrid, unpatchify, type LatentDims, type TokenGrid } from './patches';
import { expandPrompt, type PromptExpansion } from '../architectures/tessera-tiny/promptExpansion';
import { tokenize } from '../architectures/tessera-tiny/wordTokenizer';

/** What to generate. Omitted settings take the pack's defaults (manifest `scheduler`). */
export interface TextToVideoRequest {
  readonly prompt: string;
  /** What to steer away from; '' (the default) is the unconditional input. */
  readonly negativePrompt?: string;
  /** uint32; the same seed, settings and pack give the same video on every platform. */
  readonly seed: number;
  /** A key of manifest `video.sizes`, e.g. "16:9". */
  readonly aspect: string;
  /** One of manifest `video.frameCounts`; 1 is an image. */
  readonly frames: number;
  readonly steps?: number;
  readonly guidance?: number;
  /** Rewrite the prompt into the trained caption style first (see promptExpansion.ts). */
  readonly expandPrompt?: boolean;
  /** Known latents, a start time or tied frames (see conditioning.ts); none = plain text-to-video. */
  readonly conditioning?: LatentConditioning;
}

/** Reported after each denoising step. */
export interface StepEndEvent {
  /** 1-based: `step` of `total` steps are done (fewer than `steps` when sampling starts late, SDEdit). */
  readonly step: number;
  readonly total: number;
  /** The flow-matching time this step started from (1 = noise). */
  readonly t: number;
  /** The current sample, [1, C, T, h, w]; a copy the callback may keep. */
  readonly latents: Tensor32;
}

export type TextToVideoStage = 'encode' | 'denoise' | 'decode';

export interface TextToVideoCallbacks {
  /** Checked before each stage and at the top of every step: cancel stops within one step. */
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: TextToVideoStage) => void;
  readonly onStepEnd?: (event: StepEndEvent) => void;
}

/** A generated clip with the settings that made it. */
export interface GeneratedVideo {
  /** One RGBA image (width·height·4 bytes) per frame. */
  readonly frames: Uint8ClampedArray[];
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** The text the model was conditioned on (the expanded caption when expansion ran). */
  readonly caption: string;
  readonly expansion?: PromptExpansion;
  /** Caption words the pack's vocabulary lacks (the model saw `<unk>`). */
  readonly unknownWords: readonly string[];
  readonly seed: number;
  readonly steps: number;
  readonly guidance: number;
  readonly negativePrompt: string;
}

/** Longest prompt accepted, far beyond what the tokenizer keeps. */
const MAX_PROMPT_CHARS = 2000;
const MAX_GUIDANCE = 30;
const MAX_STEPS = 1000;

/** Generates a clip: prompt → caption → tokens → text embeddings → noise → DiT loop with CFG → VAE → frames. */
export async function textToVideo(
  runner: ModelRunner,
  manifest: Manifest,
  request: TextToVideoRequest,
  callbacks: TextToVideoCallbacks = {},
): Promise<GeneratedVideo> {
  const { signal, onStage, onStepEnd } = callbacks;

  // 1. Check inputs
  const settings = checkInputs(manifest, request);
  const size = resolveSize(manifest.video, request.aspect);
  const dims = latentDims(manifest.latent, size, request.frames);
  const grid = tokenGrid(dims, manifest.patch);

  // 2. Expand and tokenize the prompt and the negative prompt
  throwIfAborted(signal);
  onStage?.('encode');
  const expansion = request.expandPrompt ? expandPrompt(request.prompt) : undefined;
  const caption = expansion?.caption ?? request.prompt;
  const cond = tokenize(caption, manifest.tokenizer);
  const neg = tokenize(settings.negativePrompt, manifest.tokenizer);

  // 3. Encode both in one batch: row 0 conditional, row 1 negative
  const maxLength = manifest.tokenizer.maxLength;
  const inputIds = new BigInt64Array(2 * maxLength);
  inputIds.set(cond.ids, 0);
  inputIds.set(neg.ids, maxLength);
  const textEmbeds = await runner.runTextEncoder(inputIds, [2, maxLength]);
  expectDims('text encoder', textEmbeds, [2, maxLength, manifest.text.embedDim]);

  // 4. Prepare latents: seeded noise in latent layout [C, T, h, w], the scheduler, the conditioning as hooks
  const conditioning = request.conditioning ?? {};
  checkConditioning(conditioning, dims);
  const noise = conditionedNoise(gaussianNoise(dims.channels * dims.frames * dims.height * dims.width, request.seed), conditioning, dims);
  const scheduler = createScheduler(manifest.scheduler);
  scheduler.setTimesteps(settings.steps, conditioning.start?.time);
  const hooks = conditioningHooks(conditioning, dims, noise, scheduler);
  let latents = hooks.initialSample();
  // A re-noising sampler draws new noise every step, from the seed like the first (tied frames share it).
  const freshNoise = (step: number) => conditionedNoise(gaussianNoise(noise.length, stepNoiseSeed(request.seed, step)), conditioning, dims);
  const positions: Tensor32 = { data: patchPositions(dims, manifest.patch), dims: [grid.count, 3] };

  // 5. Denoising loop: predict → classifier-free guidance → scheduler step, the conditioning hooks around it
  onStage?.('denoise');
  const total = scheduler.timesteps.length;
  for (const [i, t] of scheduler.timesteps.entries()) {
    throwIfAborted(signal);
    const sample = hooks.beforeStep({ step: i, t, latents });
    const [cond, neg] = await predictVelocity(runner, patchify(sample, dims, manifest.patch), grid, positions, t, textEmbeds);
    const guided = unpatchify(applyGuidance(cond, neg, settings.guidance), dims, manifest.patch);
    latents = hooks.afterStep({ step: i, t: scheduler.times[i + 1]!, latents: scheduler.step(guided, i, sample, scheduler.needsNoise ? { noise: freshNoise(i) } : {}) });
    onStepEnd?.({ step: i + 1, total, t, latents: latentTensor(latents.slice(), dims) });
  }

  // 6. Decode with the VAE into RGBA frames
  throwIfAborted(signal);
  onStage?.('decode');
  const decoded = await runner.runVaeDecoder(latentTensor(latents, dims));
  const frameCount = decodedFrameCount(manifest.latent, dims.frames);
  expectDims('VAE decoder', decoded, [1, 3, frameCount, size.height, size.width]);
  return {
    frames: toRgbaFrames(decoded.data, frameCount, size.width * size.height),
    width: size.width,
    height: size.height,
    fps: manifest.video.fps,
    caption,
    ...(expansion ? { expansion } : {}),
    unknownWords: cond.unknownWords,
    seed: request.seed,
    steps: settings.steps,
    guidance: settings.guidance,
    negativePrompt: settings.negativePrompt,
  };
}

/** Validates the request against the pack; fills in the pack's defaults. */
function checkInputs(manifest: Manifest, request: TextToVideoRequest): { steps: number; guidance: number; negativePrompt: string } {
  if (typeof request.prompt !== 'string' || request.prompt.trim().length === 0) {
    throw new PipelineError('invalid-prompt', 'prompt is empty; describe the video to generate');
  }
  const negativePrompt = request.negativePrompt ?? '';
  if (request.prompt.length > MAX_PROMPT_CHARS || negativePrompt.length > MAX_PROMPT_CHARS) {
    throw new PipelineError('invalid-prompt', `prompt has more than ${MAX_PROMPT_CHARS} characters`);
  }
  if (!Number.isInteger(request.seed) || request.seed < 0 || request.seed > 0xffffffff) {
    throw new PipelineError('invalid-seed', `seed ${request.seed} is not an integer from 0 to 4294967295`);
  }
  const steps = request.steps ?? manifest.scheduler.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw new PipelineError('invalid-steps', `steps ${steps} is not an integer from 1 to ${MAX_STEPS}`);
  }
  const guidance = request.guidance ?? manifest.scheduler.guidance;
  if (!Number.isFinite(guidance) || guidance < 0 || guidance > MAX_GUIDANCE) {
    throw new PipelineError('invalid-guidance', `guidance ${guidance} is not a number from 0 to ${MAX_GUIDANCE}`);
  }
  checkFrameCount(manifest.video, request.frames);
  return { steps, guidance, negativePrompt };
}

/**
 * The DiT's velocity for `tokens` [N, P] at time `t`, conditional and negative: one batch of two rows
 * (row 0 with the prompt's embeddings, row 1 with the negative prompt's).
 */
async function predictVelocity(runner: ModelRunner, tokens: Float32Array, grid: TokenGrid, positions: Tensor32, t: number, textEmbeds: Tensor32): Promise<[Float32Array, Float32Array]> {
  const { count, size } = grid;
  const batch = new Float32Array(2 * tokens.length);
  batch.set(tokens, 0);
  batch.set(tokens, tokens.length);
  const velocity = await runner.runDit({ tokens: { data: batch, dims: [2, count, size] }, positions, timestep: { data: Float32Array.of(t, t), dims: [2] }, textEmbeds });
  expectDims('DiT', velocity, [2, count, size]);
  return [velocity.data.subarray(0, tokens.length), velocity.data.subarray(tokens.length)];
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PipelineError('aborted', 'generation was cancelled');
}

function latentTensor(data: Float32Array, dims: LatentDims): Tensor32 {
  return { data, dims: [1, dims.channels, dims.frames, dims.height, dims.width] };
}

/** A graph that returns the wrong shape is a broken pack, not a caller's mistake: say which. */
function expectDims(graph: string, tensor: Tensor32, expected: readonly number[]): void {
  const size = expected.reduce((a, b) => a * b, 1);
  if (tensor.dims.join() !== expected.join() || tensor.data.length !== size) {
    throw new PipelineError('model-output', `${graph} returned [${tensor.dims.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

/** Planar RGB [3, F, H·W] in [0, 1] → F RGBA images, clamped and rounded. */
function toRgbaFrames(rgb: Float32Array, frames: number, plane: number): Uint8ClampedArray[] {
  return Array.from({ length: frames }, (_, f) => {
    const image = new Uint8ClampedArray(plane * 4);
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) image[p * 4 + c] = rgb[(c * frames + f) * plane + p]! * 255;
      image[p * 4 + 3] = 255;
    }
    return image;
  });
}
