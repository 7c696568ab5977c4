/**
 * The port between the family-free pipeline (textToVideo.ts, videoModes.ts) and a model family
 * (src/architectures/<name>/). The pipeline holds the sample in the family's latent layout and does
 * the scheduling, guidance and conditioning; everything a family alone knows stays behind this
 * interface: its tokenizer and prompt handling, its graphs' roles and tensor names, its patch layout
 * and positions, its timestep scale, its latent normalisation and the value range of its frames.
 * docs/architecture.md ("Adding an architecture") walks through implementing it.
 */
import type { VideoSize } from '../models/manifest';
import type { LatentDims } from './latents';

/** What prompt expansion did to one part of the prompt. */
export interface ExpansionChange {
  /** `synonym`: the prompt's words were renamed; `default`: the prompt said nothing, a value was chosen. */
  readonly kind: 'synonym' | 'default';
  /** What the change is about, in the family's own terms ("colour", "background"). */
  readonly what: string;
  /** The prompt's words ('' for a default, or the words a default was chosen for, e.g. the verb "drifting"). */
  readonly from: string;
  readonly to: string;
}

/** A free prompt rewritten into the captions a family was trained on. */
export interface PromptExpansion {
  readonly caption: string;
  /** Words and phrases of the prompt that the caption does not carry, each once. */
  readonly unknownWords: readonly string[];
  /** Words with letters the family's tokenizer cannot read at all. */
  readonly outsideAlphabet: readonly string[];
  readonly changes: readonly ExpansionChange[];
}

/**
 * Text embeddings of a batch of prompts, as the family's denoiser takes them. The pipeline only
 * passes them back to `predict`; what they hold is the family's business.
 */
export interface PromptEmbeddings {
  /** One row per encoded text, in the order given. */
  readonly rows: number;
  /** For each text, the words its tokenizer did not know (empty for tokenizers that know every input). */
  readonly unknownWords: readonly (readonly string[])[];
}

/** Model-resolution RGBA images (width·height·4 bytes each), in clip order. */
export type RgbaFrames = Uint8ClampedArray[];

/** One loaded model family, bound to its pack's graphs. */
export interface Architecture<Embeddings extends PromptEmbeddings = PromptEmbeddings> {
  /** The manifest's `architecture` name. */
  readonly name: string;
  /**
   * Pixel frames per latent frame after the first: latent frame 0 holds frame 0 alone, each later one
   * the next group of this many frames (F = 1 + framesPerLatent·(T − 1)). The video modes splice
   * clips in these groups.
   */
  readonly framesPerLatent: number;
  /** Rewrites a free prompt into the family's caption style; only families that have one offer it. */
  readonly expandPrompt?: (prompt: string) => PromptExpansion;
  /**
   * Refuses a prompt the family's tokenizer would read nothing of (PipelineError `invalid-prompt`);
   * families whose tokenizer reads any text leave it out. Front ends call it before anything runs.
   */
  readonly checkPrompt?: (prompt: string) => void;
  /**
   * The prompt's words with letters the family's tokenizer drops, so a front end can say they do not
   * reach the model; families whose tokenizer reads any text leave it out.
   */
  readonly outsideAlphabet?: (prompt: string) => readonly string[];
  /**
   * The latent layout [C, T, h, w] of a clip of `frames` frames at `size`.
   * @throws PipelineError (`invalid-frames`, `invalid-aspect`) for a clip the family cannot make
   */
  latentShape(size: VideoSize, frames: number): LatentDims;
  /** Encodes texts in one batch; an empty text is the unconditional input. */
  encodePrompt(texts: readonly string[]): Promise<Embeddings>;
  /**
   * The denoiser's output at flow time `t` in [0, 1] (1 = noise) for `sample` [C, T, h, w] under
   * each embedding row, in latent layout: what the scheduler's `step` takes (for flow matching, the
   * velocity noise − x₀).
   */
  predict(sample: Float32Array, shape: LatentDims, t: number, embeddings: Embeddings): Promise<Float32Array[]>;
  /**
   * Latents [C, T, h, w] → RGBA frames, yielded in groups in clip order (a family whose decoder takes
   * the whole clip yields one group). Together the groups hold 1 + framesPerLatent·(T − 1) frames.
   */
  decode(latents: Float32Array, shape: LatentDims): AsyncIterable<RgbaFrames>;
  /**
   * RGBA frames at `size` (1 + framesPerLatent·k of them) → latents [C, 1 + k, h, w]; only families
   * whose pack has an encoder offer it, and the video modes need it.
   */
  readonly encode?: (frames: readonly Uint8ClampedArray[], size: VideoSize) => Promise<Float32Array>;
}
