/**
 * The engine's contract, shared by the worker engine (engine.ts) and the main-thread client
 * (client.ts): types only. Everything here is plain, structured-cloneable data.
 */
import type { FileTransferProgress } from '../cache/progress';
import type { PromptExpansion } from '../pipeline/architecture';
import type { ProvenanceSettings } from '../safety/fileProvenance';
import type { BackendInfo, BackendPreference } from '../runtime/backendTypes';
import type { EngineErrorCode, EngineErrorData } from './errors';
import type { MediaInput, ModeKind, ModeRequest } from './modeProtocol';
import type { Storyboard } from '../storyboard/storyboardTypes';
import type { StoryboardRenderRequest, StoryboardSeams, StoryboardSegmentEvent } from './storyboardProtocol';

export type { Backend, BackendFallback, BackendInfo, BackendPreference, FallbackCode } from '../runtime/backendTypes';
export type { EngineErrorCode, EngineErrorData };
export type { PromptExpansion };
export type { MediaInput, ModeKind, ModeRequest };
export type { StoryboardRenderRequest, StoryboardSeams, StoryboardSegmentEvent };

/** What the UI needs to know of the loaded model pack. */
export interface PackInfo {
  readonly name: string;
  readonly version: string;
  readonly dtype: string;
  readonly description: string;
  /** The weights' licence as the manifest names it (e.g. "Apache-2.0"); absent when it names none. Plain text. */
  readonly license?: string;
  readonly fps: number;
  /** Keyed by aspect ratio, e.g. "16:9". */
  readonly sizes: Readonly<Record<string, { readonly width: number; readonly height: number }>>;
  /** Ascending; 1 = an image. */
  readonly frameCounts: readonly number[];
  readonly defaultSteps: number;
  readonly defaultGuidance: number;
  /** Frames per latent group after the first (the storyboard planner's arithmetic needs it). */
  readonly temporalCompression: number;
  /** The decoder's frames are this many times `sizes` (manifest video.decoderUpscale); absent: 1. */
  readonly decoderUpscale?: number;
  /** The pack's architecture rewrites prompts into its caption style (the expand option and its preview). */
  readonly promptExpansion: boolean;
  /**
   * The pack's architecture encodes frames (it has a VAE encoder), which image-to-video, extend,
   * video-to-video and connect start from; text and loop need none.
   */
  readonly sourceModes: boolean;
}

export interface EngineInfo {
  readonly pack: PackInfo;
  readonly backend: BackendInfo;
  /** The video codec the browser can encode (probed H.264 → VP9 → AV1), or null when none. */
  readonly videoCodec: string | null;
}

/**
 * Which model pack to load.
 * - `url`: the pack's folder (holding manifest.json) or manifest, absolute or relative to the page;
 *   installed or updated from there, network first, then read from the cache (the built-in pack).
 * - `installed`: a pack already complete in the weight cache (added in the Models panel), by name;
 *   read from the cache only, without a single request.
 */
export type PackSource = { readonly kind: 'url'; readonly url: string } | { readonly kind: 'installed'; readonly name: string };

export interface EngineInitOptions {
  readonly pack: PackSource;
  /** Kept for every later `switchPack`. */
  readonly backend: BackendPreference;
}

/**
 * The settings of one generation, as chosen in the form: the same type as the settings a file
 * records (src/safety/fileProvenance.ts), so the form and the file's record cannot drift apart.
 * The client draws a random seed when the user asked for "random", so the seed is always known.
 */
export type GenerateSettings = ProvenanceSettings;

export interface GenerateRequest {
  /** Identifies the request for cancellation. */
  readonly id: string;
  readonly settings: GenerateSettings;
  /** Image-to-video, extend, video-to-video, loop or connect (modeProtocol.ts); absent = text. */
  readonly mode?: ModeRequest;
  /** Integer factor applied to the model's tiny frames before encoding (1 = none). */
  readonly upscale?: number;
  /** `nearest` keeps the pixel look; `smooth` is bilinear. */
  readonly upscaleFilter?: 'nearest' | 'smooth';
  /** Return the decoded frames as raw RGB (tests compare backends with them). */
  readonly includeRawFrames?: boolean;
  /** Write the prompt into the file's metadata and name (default true); seed and settings always are. */
  readonly includePromptInFile?: boolean;
}

/** One progress union for downloads, loads and the generation stages. */
export type EngineProgress =
  /** A model file downloading, or read from installed files (`source: 'cache'`). */
  | ({ readonly stage: 'download' } & FileTransferProgress)
  /** Sessions being created: `loaded` of `total` graphs. */
  | { readonly stage: 'load'; readonly file: string; readonly loaded: number; readonly total: number }
  | { readonly stage: 'encode' }
  | {
      readonly stage: 'denoise';
      /** 1-based: `step` of `total` done. */
      readonly step: number;
      readonly total: number;
      /** Flow-matching time of the step just taken. */
      readonly t: number;
      readonly elapsedMs: number;
      /** Estimated time left for the denoising loop. */
      readonly etaMs: number;
    }
  | { readonly stage: 'decode' }
  | { readonly stage: 'mux'; readonly frame: number; readonly total: number };

export type ProgressStage = EngineProgress['stage'];

/** A cheap RGB look at the latent while denoising: every latent frame side by side, RGBA. */
export interface PreviewImage {
  readonly step: number;
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8ClampedArray;
}

export interface GenerateCallbacks {
  onProgress?(progress: EngineProgress): void;
  /** Throttled (about 10 a second). */
  onPreview?(preview: PreviewImage): void;
}

/** A storyboard's render reports each segment's start, then that segment's progress and previews. */
export interface StoryboardCallbacks extends GenerateCallbacks {
  onSegment?(segment: StoryboardSegmentEvent): void;
}

export interface StageTimings {
  readonly loadMs: number;
  readonly encodeMs: number;
  readonly denoiseMs: number;
  readonly decodeMs: number;
  readonly muxMs: number;
  readonly totalMs: number;
  /*
   * Profile of the run (`npm run bench` reads these through the test hooks). Optional: results
   * stored by an older version (the gallery) lack them.
   */
  /** Request received → first preview sent (null without previews). */
  readonly firstPreviewMs?: number | null;
  /** Graph runs of the sampling stages and the time inside `session.run` (src/runtime/runTimings.ts). */
  readonly runs?: number;
  readonly runMs?: number;
  /** runMs by graph role (textEncoder, dit, vaeDecoder). */
  readonly runMsByRole?: Readonly<Record<string, number>>;
  /** GPU↔CPU tensor copies outside `session.run` (WebGPU; 0 on WASM). */
  readonly copyMs?: number;
}

export interface GeneratedFile {
  readonly bytes: ArrayBuffer;
  readonly mimeType: 'video/mp4' | 'image/png';
  readonly fileName: string;
  /** e.g. "avc1.64001f"; absent for PNG. */
  readonly codec?: string;
}

export interface GenerateResult {
  readonly id: string;
  readonly kind: 'video' | 'image';
  readonly file: GeneratedFile;
  readonly settings: GenerateSettings;
  /** The caption the model saw (the prompt itself when expansion is off). */
  readonly expandedPrompt: string;
  readonly expansion: PromptExpansion | null;
  /** Output pixels (after upscaling). */
  readonly width: number;
  readonly height: number;
  /** The model's pixels. */
  readonly modelWidth: number;
  readonly modelHeight: number;
  readonly frames: number;
  readonly fps: number;
  readonly packName: string;
  readonly backend: BackendInfo;
  readonly timings: StageTimings;
  /** frames × modelHeight × modelWidth × 3 bytes, when `includeRawFrames` was set. */
  readonly rawFrames?: Uint8Array;
  /** A storyboard's render: the seam figure of the finished story. */
  readonly seams?: StoryboardSeams;
  /** A storyboard's render: the board it rendered (the gallery keeps it to open it again). */
  readonly storyboard?: Storyboard;
}

/**
 * The engine's interface, implemented by the worker engine and by the main-thread client.
 * `signal` aborts a generation within one denoising step; the engine is ready again at once.
 */
export interface EngineApi {
  init(options: EngineInitOptions, onProgress?: (progress: EngineProgress) => void): Promise<EngineInfo>;
  /**
   * Loads another pack (same backend preference as `init`) while the current one stays usable;
   * only once the new sessions exist does it replace the current pack. On failure the current pack
   * is untouched. Refused (`busy`) while a generation or another switch runs.
   */
  switchPack(pack: PackSource, onProgress?: (progress: EngineProgress) => void): Promise<EngineInfo>;
  /**
   * The loaded pack's architecture's expansion of `prompt` (the caption preview under the prompt).
   * Refused (`not-ready`) until a pack is loaded, and (`bad-settings`, field `expandPrompt`) by a
   * pack whose architecture offers no expansion (PackInfo.promptExpansion false).
   */
  expandPrompt(prompt: string): Promise<PromptExpansion>;
  generate(request: GenerateRequest, callbacks?: GenerateCallbacks, signal?: AbortSignal): Promise<GenerateResult>;
  /** Plans the board and renders its segments in order into one MP4 whose metadata carries the board. */
  renderStoryboard(request: StoryboardRenderRequest, callbacks?: StoryboardCallbacks, signal?: AbortSignal): Promise<GenerateResult>;
}

/**
 * What the worker exposes over comlink: the same methods, with cancellation by request id because
 * an AbortSignal cannot cross the boundary (the client turns its signal into `cancel`).
 */
export interface WorkerEngineApi extends Omit<EngineApi, 'generate' | 'renderStoryboard'> {
  generate(request: GenerateRequest, callbacks?: GenerateCallbacks): Promise<GenerateResult>;
  renderStoryboard(request: StoryboardRenderRequest, callbacks?: StoryboardCallbacks): Promise<GenerateResult>;
  cancel(requestId: string): void;
  /** Test hook: destroys the WebGPU device to exercise the device-lost fallback. */
  loseDeviceForTest(): Promise<boolean>;
}
