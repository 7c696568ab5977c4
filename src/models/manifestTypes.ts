/** Types and constants of the model-pack manifest (docs/model-pack.md, formatVersion 2; version 1 is migrated on read). */
import type { ArchitectureName } from './packArchitectures';

/** The format version a parsed manifest has; older versions this reader knows are migrated to it (manifestMigration.ts). */
export const MANIFEST_FORMAT_VERSION = 2;
/** Largest single file a pack may list: far above any browser model, far below a typo. */
export const MAX_FILE_BYTES = 16 * 1024 ** 3;

/** A graph of the pack, by one of the roles its architecture declares (packArchitectures.ts). */
export type ModelRole = string;
export const DTYPES = ['int8', 'fp32', 'fp16'] as const;
export type Dtype = (typeof DTYPES)[number];

/**
 * Optional per-chunk hashes of a file split into `bytes`-sized chunks (the last may be shorter):
 * the cache checks each chunk as it arrives and re-fetches only a bad one.
 */
export interface ChunkHashes {
  readonly bytes: number;
  /** Lower-case hex, one per chunk. */
  readonly sha256: readonly string[];
}

/** Smallest and largest chunk a manifest may declare (the cache requests one chunk per Range request). */
export const MIN_CHUNK_BYTES = 64 * 1024;
export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

/** One file of the pack. `url` is set when the manifest was parsed with a base URL. */
export interface ManifestFile {
  readonly role: ModelRole | 'externalData';
  /** For `externalData`: the graph whose weights this file holds. */
  readonly of?: ModelRole;
  readonly path: string;
  readonly bytes: number;
  /** Lower-case hex. */
  readonly sha256: string;
  readonly chunks?: ChunkHashes;
  readonly url?: string;
}

/** tessera-tiny's word tokenizer, whole in the manifest. */
export interface TokenizerSpec {
  readonly type: 'word';
  readonly vocab: readonly string[];
  readonly maxLength: number;
  readonly padId: number;
  readonly unkId: number;
  readonly lowercase: boolean;
}

/**
 * A SentencePiece Unigram tokenizer whose model is the pack's `tokenizer` data file (Hugging Face
 * tokenizers JSON); the manifest holds only what the architecture does with its ids.
 */
export interface UnigramTokenizerSpec {
  readonly type: 'unigram';
  /** Most ids a prompt keeps, its end-of-sequence id included. */
  readonly maxLength: number;
  readonly padId: number;
  /** Appended to every prompt's ids. */
  readonly eosId: number;
}

/** wan2.1's text side: umT5 over embedding rows, its output zero-padded to `contextLength` rows. */
export interface Wan21TextSpec {
  readonly embedDim: number;
  readonly contextLength: number;
  /** Rows of the `tokenEmbeddings` file. */
  readonly vocabSize: number;
  /** What an empty negative prompt means for this checkpoint (its official default). */
  readonly negativePrompt: string;
}

/** wan2.1's DiT: attention heads and the 3-D RoPE the architecture computes for each latent shape. */
export interface Wan21DitSpec {
  readonly heads: number;
  readonly headDim: number;
  readonly ropeTheta: number;
}

/** wan2.1's streaming VAE decoder: how many cache tensors the step graph takes and gives back. */
export interface Wan21VaeSpec {
  readonly cacheTensors: number;
}

export interface LatentSpec {
  readonly channels: number;
  readonly temporalCompression: number;
  readonly spatialCompression: number;
  readonly causalFirstFrame: true;
}

export interface PatchSpec {
  readonly t: number;
  readonly h: number;
  readonly w: number;
}

export interface VideoSize {
  readonly width: number;
  readonly height: number;
}

export interface VideoSpec {
  readonly fps: number;
  /** Keyed by aspect ratio, e.g. "16:9". */
  readonly sizes: Readonly<Record<string, VideoSize>>;
  /** Ascending; each is 1 + temporalCompression * k. */
  readonly frameCounts: readonly number[];
  /**
   * How many times wider and taller the decoder's frames are than `sizes` (a super-resolving
   * decoder); absent means 1. `sizes` stay the model's own: the latents and the encoder's input.
   */
  readonly decoderUpscale?: number;
}

/** The most a decoder may enlarge: 8× the linear size already turns 56×32 into 448×256. */
export const MAX_DECODER_UPSCALE = 8;

/** The size of the frames the decoder makes for a clip generated at `size` (one of `video.sizes`). */
export function decodedSize(video: Pick<VideoSpec, 'decoderUpscale'>, size: VideoSize): VideoSize {
  const upscale = video.decoderUpscale ?? 1;
  return { width: size.width * upscale, height: size.height * upscale };
}

/** Scheduler types a manifest may name (src/schedulers/registry.ts has one implementation of each). */
export const SCHEDULER_TYPE_NAMES = ['flow-match-euler', 'flow-match-lcm', 'unipc-multistep'] as const;

export interface SchedulerSpec {
  readonly type: (typeof SCHEDULER_TYPE_NAMES)[number];
  readonly steps: number;
  readonly shift: number;
  readonly guidance: number;
  /**
   * Optional explicit flow times of the `steps` steps (strictly descending, in (0, 1]), for a
   * checkpoint distilled at fixed times; sampling ends at 0 after the last. They replace the shifted
   * schedule when a run has exactly `steps` steps; another step count uses the shifted schedule.
   */
  readonly times?: readonly number[];
}

/** Linear latent → RGB projection for cheap previews: rgb = Σ_c latent[c] * weights[c] + bias. */
export interface PreviewSpec {
  readonly weights: readonly (readonly [number, number, number])[];
  readonly bias: readonly [number, number, number];
}

/**
 * How a runner holds the pack's sessions (`runtime.memoryPlan`, optional, default `resident`):
 * `resident` keeps every session once made; `sequential` keeps one at a time (text encoder, release,
 * DiT, release, decoder), for packs whose graphs together do not fit in memory.
 */
export const MEMORY_PLANS = ['resident', 'sequential'] as const;
export type MemoryPlan = (typeof MEMORY_PLANS)[number];

export interface RuntimeSpec {
  readonly memoryPlan: MemoryPlan;
}

export interface Requirements {
  readonly totalBytes: number;
  readonly largestBufferBytes: number;
  readonly shaderF16: boolean;
}

/** What every validated manifest has, whatever its architecture. */
interface ManifestCommon {
  readonly format: 'tessera-model-pack';
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
  /** The model family (src/architectures/<name>/); formatVersion 1 packs are tessera-tiny. */
  readonly architecture: ArchitectureName;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** The weights' licence (an SPDX id or a short name); optional, absent when the pack names none. */
  readonly license?: string;
  readonly dtype: Dtype;
  readonly files: readonly ManifestFile[];
  readonly latent: LatentSpec;
  readonly patch: PatchSpec;
  readonly video: VideoSpec;
  readonly scheduler: SchedulerSpec;
  readonly preview: PreviewSpec;
  readonly requirements: Requirements;
  readonly runtime: RuntimeSpec;
}

/** A tessera-tiny pack: its word tokenizer whole in the manifest. */
export interface TesseraTinyManifest extends ManifestCommon {
  readonly architecture: 'tessera-tiny';
  readonly tokenizer: TokenizerSpec;
  readonly text: { readonly embedDim: number };
}

/** A wan2.1 pack (docs/model-pack.md, "wan2.1 packs"). */
export interface Wan21Manifest extends ManifestCommon {
  readonly architecture: 'wan2.1';
  readonly tokenizer: UnigramTokenizerSpec;
  readonly text: Wan21TextSpec;
  readonly dit: Wan21DitSpec;
  readonly vae: Wan21VaeSpec;
}

/** A validated model-pack manifest, told apart by `architecture`. */
export type Manifest = TesseraTinyManifest | Wan21Manifest;
