/**
 * One generation from request to file, the same chain for the browser worker and the CLI:
 * policy check → modes → sample → upscale → watermark → encode. Each side plugs in only what
 * differs where it runs (`RenderSide`): how it decodes its sources, how it samples (the worker adds
 * progress, previews and a retry on WASM), and its container (WebCodecs MP4 or PNG in the browser;
 * ffmpeg MP4, y4m or PNG in Node). Steps 4–6 (`finishClip`) also finish a storyboard's joined frames.
 * Knows no DOM and no Node module.
 */
import type { Manifest } from '../models/manifest';
import type { PromptExpansion } from '../pipeline/architecture';
import type { ModeVideo, ModeWithSources, VideoRequest } from '../pipeline/videoModes';
import { upscaleFrames, type Frames, type UpscaleFilter } from '../media/upscale';
import { applyWatermark, fileRecord, type FileRecord, type ProvenanceInfo, type ProvenanceSettings } from '../safety/fileProvenance';
import { resolveMode, type DecodeSource, type ResolvedMode } from './modeSources';
import { checkPrompts, type CheckedPrompt, type PromptRules } from './promptCheck';

/** What to make. Omitted numbers take the pack's defaults. */
export interface RenderRequest<Source> {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
  readonly steps?: number;
  readonly guidance?: number;
  /** Rewrite the prompt into the architecture's caption style first. */
  readonly expandPrompt: boolean;
  readonly mode: ModeWithSources<Source>;
  /** The aspect to use; without it, the first source's closest, else `defaultAspect`. */
  readonly aspect?: string;
  readonly defaultAspect: string;
  /** Frames to sample; without it, the pack's longest (video-to-video: the longest its clip fills). */
  readonly frames?: number;
  /** Image-to-video, extend, connect: the flow time new frames start at. */
  readonly warmStart?: number;
  readonly upscale: number;
  readonly upscaleFilter: UpscaleFilter;
  /** Store the prompt text in the file (its hash is always stored). */
  readonly includePrompt: boolean;
  /**
   * The settings the file records, when they are not the clip's own: the app records the form that
   * made it (so the file restores the form); without this, the clip's aspect and frame count.
   */
  readonly recordedSettings?: ProvenanceSettings;
}

/** A file format: how a clip's frames become the pictures it holds, and how they are written. */
export interface OutputContainer<Written> {
  /** The pictures the file holds (a multi-frame PNG holds one strip); without it, the frames themselves. */
  layout?(frames: Frames): Frames;
  /** Writes the watermarked pictures with the record in the format's metadata (where it has room). */
  write(pictures: Frames, fps: number, record: FileRecord, onFrame: (frame: number, total: number) => void): Promise<Written>;
}

/** What a side plugs into the chain. */
export interface RenderSide<Source, Written> {
  readonly manifest: Manifest;
  /** The pack's architecture: what of a prompt it reads, and its expansion if it has one. */
  readonly architecture: PromptRules;
  readonly decodeSource: DecodeSource<Source>;
  /** Checks what will be sampled before any graph runs (the CLI's output budget); throws to refuse. */
  readonly checkPlan?: (plan: ResolvedMode) => void;
  /** Samples the clip: the pipeline's `generateVideo` on the side's architecture. */
  readonly sample: (request: VideoRequest) => Promise<ModeVideo>;
  /** The container for a clip of `frames` frames. */
  readonly container: (frames: number) => OutputContainer<Written>;
  /** After each picture is handed to the encoder. */
  readonly onEncoded?: (frame: number, total: number) => void;
}

export interface RenderedClip<Written> {
  /** The sampled clip at model size, before upscaling and watermark. */
  readonly video: ModeVideo;
  readonly expansion: PromptExpansion | null;
  /** One output frame, after upscaling. */
  readonly width: number;
  readonly height: number;
  readonly written: Written;
  /** Upscale, watermark and encode. */
  readonly finishMs: number;
}

/**
 * @param checked the prompt as `checkPrompts` returned it, when the front end checked it before
 *   loading the model (the CLI); without it, step 1 runs here. Either way the prompt is expanded once.
 */
export async function renderClip<Source, Written>(request: RenderRequest<Source>, side: RenderSide<Source, Written>, checked?: CheckedPrompt): Promise<RenderedClip<Written>> {
  const { manifest } = side;

  // 1. Policy: a prompt the model can read, expanded once, every text the model could see allowed
  const { caption, expansion } = checked ?? checkPrompts(request, side.architecture);

  // 2. Modes: sources decoded once (before sampling and any retry), at the pack's rate and one size
  const plan = await resolveMode(request.mode, manifest.video, side.decodeSource, { aspect: request.aspect, frames: request.frames });
  side.checkPlan?.(plan);

  // 3. Sample
  const video = await side.sample({
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
    seed: request.seed,
    mode: plan.mode,
    aspect: plan.aspect ?? request.defaultAspect,
    ...(plan.frames !== undefined ? { frames: plan.frames } : {}),
    ...(request.steps !== undefined ? { steps: request.steps } : {}),
    ...(request.guidance !== undefined ? { guidance: request.guidance } : {}),
    ...(expansion ? { expansion } : {}),
    ...(request.warmStart !== undefined ? { warmStart: request.warmStart } : {}),
  });

  // 4–6. Upscale, watermark, encode
  const finishStarted = performance.now();
  const finished = await finishClip(video, {
    upscale: request.upscale,
    upscaleFilter: request.upscaleFilter,
    provenance: {
      settings: request.recordedSettings ?? {
        prompt: request.prompt,
        negativePrompt: request.negativePrompt,
        aspect: video.aspect,
        frames: video.frames.length,
        steps: video.steps,
        guidance: video.guidance,
        seed: video.seed,
        expandPrompt: request.expandPrompt,
      },
      expandedPrompt: caption,
      packName: manifest.name,
      packVersion: manifest.version,
      includePrompt: request.includePrompt,
    },
    container: side.container(video.frames.length),
    ...(side.onEncoded ? { onEncoded: side.onEncoded } : {}),
  });
  return { video, expansion, ...finished, finishMs: performance.now() - finishStarted };
}

/** Frames at model size with their rate: one sampling's, or a storyboard's joined from several. */
export interface SampledFrames extends Frames {
  readonly fps: number;
}

/** How steps 4–6 turn sampled frames into a file. */
export interface FinishOptions<Written> {
  readonly upscale: number;
  readonly upscaleFilter: UpscaleFilter;
  /** What the file records; its size is the upscaled frames'. */
  readonly provenance: Omit<ProvenanceInfo, 'width' | 'height' | 'fps'>;
  readonly container: OutputContainer<Written>;
  /** After each picture is handed to the encoder. */
  readonly onEncoded?: (frame: number, total: number) => void;
}

export interface FinishedClip<Written> {
  /** One output frame, after upscaling. */
  readonly width: number;
  readonly height: number;
  readonly written: Written;
}

/**
 * Steps 4–6 of the chain: upscale → watermark → encode. A single clip reaches them through
 * `renderClip`; a storyboard, whose frames come from several samplings, calls them directly, so
 * every file Tessera writes is finished the same way.
 */
export async function finishClip<Written>(sampled: SampledFrames, options: FinishOptions<Written>): Promise<FinishedClip<Written>> {
  // 4. Upscale
  const scaled = upscaleFrames(sampled, options.upscale, options.upscaleFilter);
  const info: ProvenanceInfo = { ...options.provenance, width: scaled.width, height: scaled.height, fps: sampled.fps };

  // 5. Watermark the pictures the file holds, at their final size
  const { container } = options;
  const pictures = container.layout?.(scaled) ?? scaled;
  const marked = { ...pictures, frames: await applyWatermark([...pictures.frames], info, pictures.width, pictures.height) };

  // 6. Encode, with the provenance record in the file's metadata
  const written = await container.write(marked, sampled.fps, await fileRecord(info), (frame, total) => options.onEncoded?.(frame, total));
  return { width: scaled.width, height: scaled.height, written };
}
