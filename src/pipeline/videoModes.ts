/**
 * Every generation mode on one sampler: text, image, image-to-video, extend (forward, backward),
 * video-to-video, loop and connect. Each mode encodes its sources with the VAE encoder, states what
 * it knows as a `LatentConditioning` (conditioning.ts) and lets textToVideo sample the rest; then it
 * joins the sampled clip with the source frames. docs/capabilities.md explains each choice.
 *
 * The causal autoencoder makes the splicing exact. With g = the architecture's `framesPerLatent`
 * (the pack's temporal compression, 4 for tessera-tiny), latent frame 0 encodes frame 0 alone, and latent frame j ≥ 1 encodes the
 * group of frames g(j−1)+1 … gj with no context from other groups, in the encoder and the decoder
 * alike. So the latents of a clip's last 1 + gk frames (frame 0 alone, then k groups) are valid first
 * latents of a new clip, and a group's latent is the same wherever it stands.
 */
import { decodedSize, type VideoSize } from '../models/manifest';
import type { Architecture } from './architecture';
import { warmStart, type LatentConditioning } from './conditioning';
import { PipelineError } from './errors';
import { checkClip, closestAspect, fitClip, type RgbaClip } from './fitFrames';
import { checkFrameCount, resolveSize, type LatentDims } from './latents';
import { textToVideo, type GeneratedVideo, type PackSettings, type PromptBlend, type TextToVideoCallbacks, type TextToVideoRequest } from './textToVideo';

export type { RgbaClip };

/** What to generate from, besides the prompt. */
export type GenerationMode =
  | { readonly kind: 'text' }
  /** Animate an image: the clip starts from it (only the first frame of `image` is used). */
  | { readonly kind: 'image-to-video'; readonly image: RgbaClip }
  /** New frames after the clip's end (`forward`) or before its start (`backward`). */
  | { readonly kind: 'extend'; readonly clip: RgbaClip; readonly direction: ExtendDirection; readonly contextGroups?: ContextGroups; readonly overlap?: Overlap; readonly previousPrompt?: string }
  /** SDEdit: re-generate the clip; `strength` 0 keeps it, 1 ignores it. */
  | { readonly kind: 'video-to-video'; readonly clip: RgbaClip; readonly strength: number }
  /** A clip whose last frame flows into its first. */
  | { readonly kind: 'loop'; readonly method?: LoopMethod }
  /** A transition that starts as `first` ends and ends as `second` begins. */
  | { readonly kind: 'connect'; readonly first: RgbaClip; readonly second: RgbaClip; readonly contextGroups?: ContextGroups; readonly overlap?: Overlap; readonly previousPrompt?: string };

export type GenerationModeKind = GenerationMode['kind'];

/**
 * A mode as a front end asks for it, each source named the way that front end names it (`Source`):
 * a file path on the command line (cli/args.ts), an uploaded file or an earlier result in the app
 * (src/engine/modeProtocol.ts). Decoding every source gives a GenerationMode.
 */
export type ModeWithSources<Source> =
  | { readonly kind: 'text' }
  /** Animate an image (of a clip, its first frame). */
  | { readonly kind: 'image-to-video'; readonly image: Source }
  | { readonly kind: 'extend'; readonly clip: Source; readonly direction: ExtendDirection }
  /** 0 keeps the clip, 1 ignores it. */
  | { readonly kind: 'video-to-video'; readonly clip: Source; readonly strength: number }
  | { readonly kind: 'loop' }
  | { readonly kind: 'connect'; readonly first: Source; readonly second: Source };
/** `tie`: latent 1 and the last latent are one variable; `roll`: the group latents are sampled circularly. */
export type LoopMethod = 'tie' | 'roll';
/** Chosen by measurement (docs/capabilities.md, "Loop: roll or tie"). */
export const DEFAULT_LOOP_METHOD: LoopMethod = 'roll';
export type ExtendDirection = 'forward' | 'backward';
/** How many latent groups (of temporalCompression frames) of a source are kept fixed (k): more keeps motion, fewer leaves room. */
export type ContextGroups = 1 | 2;
/**
 * Extend forward and connect: the last kept group of the (first) source is sampled again with the
 * new frames, known until flow time `releaseBelow` and free after it (conditioning.ts
 * `releaseBelow`), and the output carries the resampled group in place of the source's, so the
 * join lies one group inside the source and the group on each side of it is denoised together.
 * For a storyboard, whose sources end in sampled frames (docs/storyboard.md, "The seam figure").
 */
export interface Overlap {
  readonly releaseBelow: number;
}

/**
 * `previousPrompt` (extend forward, connect): the prompt the (first) source was sampled with. Its
 * kept and resampled groups are predicted under it, the first new group this share under it and
 * the rest under the request's prompt, the later ones under the request's alone (textToVideo
 * `promptBlend`): the prompt changes over free groups instead of at the pinned source. Measured on
 * storyboards (docs/storyboard.md, "The seam figure").
 */
const PREVIOUS_PROMPT_FIRST_FREE_SHARE = 0.5;

/** A generation request in any mode. `aspect` defaults to the source's closest; `frames` is the sampled clip's length. */
export interface VideoRequest extends Omit<TextToVideoRequest, 'conditioning' | 'aspect' | 'frames'> {
  readonly mode: GenerationMode;
  readonly aspect?: string;
  /** Frames sampled (one of the pack's counts); video-to-video defaults to the longest the source fills. */
  readonly frames?: number;
  /**
   * Image-to-video, extend and connect: the flow time new frames start from, as copies of the
   * nearest known frame (conditioning.ts `warmStart`); 1 starts them from pure noise. Default
   * DEFAULT_WARM_START.
   */
  readonly warmStart?: number;
}

/** Measured in docs/capabilities.md ("Warm start"). */
export const DEFAULT_WARM_START = 0.8;

/** The output of any mode. */
export interface ModeVideo extends GeneratedVideo {
  readonly mode: GenerationModeKind;
  /** The clip the sampler produced, decoded, before it was joined with the sources. */
  readonly sampledFrames: readonly Uint8ClampedArray[];
  /** Where `sampledFrames[0]` stands in `frames` (the overlap with a source is dropped from the output; −1 for a loop). */
  readonly sampledOffset: number;
  /** How many frames of `frames` are new (not copies of a source clip's frames). */
  readonly newFrames: number;
  /** The aspect ratio key used. */
  readonly aspect: string;
}

/** Generates in the request's mode; see the file comment. Throws PipelineError with `invalid-*` codes for bad requests. */
export async function generateVideo(architecture: Architecture, pack: PackSettings, request: VideoRequest, callbacks: TextToVideoCallbacks = {}): Promise<ModeVideo> {
  const { mode } = request;
  // 1. Check the sources and choose the size: the request's aspect, else the one closest to the first source
  const sources = sourcesOf(mode);
  sources.forEach(([clip, what]) => checkClip(clip, what));
  const aspect = request.aspect ?? (sources[0] ? closestAspect(pack.video, sources[0][0].width, sources[0][0].height) : undefined);
  if (aspect === undefined) throw new PipelineError('invalid-aspect', `${mode.kind} mode needs an aspect ratio; choose one of ${Object.keys(pack.video.sizes).join(', ')}`);
  const size = resolveSize(pack.video, aspect);
  // Sources are encoded at the model's size and joined to the output at the decoded frames' size
  // (larger than the model's with a super-resolving decoder, manifest video.decoderUpscale).
  const fitted = sources.map(([clip]) => fitClip(clip, size));
  const output = decodedSize(pack.video, size);
  const shown = output.width === size.width && output.height === size.height ? fitted : sources.map(([clip]) => fitClip(clip, output));
  const frames = request.frames ?? defaultFrames(pack, mode, fitted[0]);
  checkFrameCount(pack.video, frames);
  const dims = architecture.latentShape(size, frames);
  const plan = planMode(mode, dims, { encoded: fitted, shown }, architecture.framesPerLatent);
  const warm = request.warmStart ?? DEFAULT_WARM_START;
  if (!(warm > 0 && warm <= 1)) throw new PipelineError('invalid-conditioning', `warm start ${warm} is not a flow time above 0 and at most 1`);

  // 2. Encode the source frames the plan keeps into latents (the architecture's encoder, one call per source part)
  if (plan.encodes && !architecture.encode) {
    throw new PipelineError('invalid-source', `${mode.kind} starts from source frames, and the ${architecture.name} pack has no encoder for them; choose text or loop`);
  }
  const encode = new Encoder(architecture, dims, size);
  let encodeReported = false;
  const onStage: TextToVideoCallbacks['onStage'] = (stage) => {
    if (stage === 'encode' && encodeReported) return;
    encodeReported = true;
    callbacks.onStage?.(stage);
  };
  if (callbacks.signal?.aborted) throw new PipelineError('aborted', 'generation was cancelled');
  if (plan.encodes) onStage('encode');
  const planned = await plan.conditioning(encode);
  const conditioning = planned && warmStart(planned, dims, warm);

  // 3. Sample with the conditioning, then 4. join the sampled clip with the sources
  const { mode: _mode, aspect: _aspect, frames: _frames, warmStart: _warm, ...settings } = request;
  const promptBlend = previousPromptBlend(mode, conditioning);
  const video = await textToVideo(architecture, pack, { ...settings, aspect, frames, ...(conditioning ? { conditioning } : {}), ...(promptBlend ? { promptBlend } : {}) }, { ...callbacks, onStage });
  const joined = plan.join(video.frames);
  const resampled = mode.kind === 'extend' || mode.kind === 'connect' ? (mode.overlap ? architecture.framesPerLatent : 0) : 0;
  const copied = (mode.kind === 'extend' ? fitted[0]!.frames.length : mode.kind === 'connect' ? fitted[0]!.frames.length + fitted[1]!.frames.length : 0) - resampled;
  return { ...video, frames: joined.frames, mode: mode.kind, sampledFrames: video.frames, sampledOffset: joined.offset, newFrames: joined.frames.length - copied, aspect };
}

/** The sources of a mode with their names for messages. */
function sourcesOf(mode: GenerationMode): [RgbaClip, string][] {
  switch (mode.kind) {
    case 'image-to-video':
      return [[mode.image, 'the image']];
    case 'extend':
    case 'video-to-video':
      return [[mode.clip, 'the clip']];
    case 'connect':
      return [
        [mode.first, 'the first clip'],
        [mode.second, 'the second clip'],
      ];
    default:
      return [];
  }
}

/** Video-to-video samples as many frames as the source fills; the others take the pack's longest clip. */
function defaultFrames(pack: PackSettings, mode: GenerationMode, source: RgbaClip | undefined): number {
  const counts = pack.video.frameCounts;
  if (mode.kind === 'video-to-video' && source) return [...counts].reverse().find((f) => f <= source.frames.length) ?? counts[0]!;
  return counts[counts.length - 1]!;
}

/** What a mode keeps fixed and how it joins its output. */
interface ModePlan {
  /** Whether the plan runs the VAE encoder (reported as the `encode` stage). */
  readonly encodes: boolean;
  conditioning(encoder: Encoder): Promise<LatentConditioning | undefined>;
  join(sampled: Uint8ClampedArray[]): { frames: Uint8ClampedArray[]; offset: number };
}

const asIs = (sampled: Uint8ClampedArray[]) => ({ frames: sampled, offset: 0 });

/** The sources fitted to the model's size (`encoded`) and to the decoded frames' size (`shown`), frame for frame. */
interface FittedSources {
  readonly encoded: readonly RgbaClip[];
  readonly shown: readonly RgbaClip[];
}

/** `g`: frames per latent group (the pack's temporal compression). */
function planMode(mode: GenerationMode, dims: LatentDims, { encoded: fitted, shown }: FittedSources, g: number): ModePlan {
  const T = dims.frames;
  switch (mode.kind) {
    case 'text':
      return { encodes: false, conditioning: async () => undefined, join: asIs };

    case 'image-to-video': {
      // The image alone is a one-frame clip: its latent is exactly a clip's latent frame 0.
      if (T < 2) invalid('frames', 'image-to-video needs a video length; choose more than 1 frame');
      const image = fitted[0]!.frames[0]!;
      return {
        encodes: true,
        conditioning: async (encoder) => encoder.known([{ at: 0, latents: await encoder.encode([image]), from: 0, count: 1 }]),
        join: asIs,
      };
    }

    case 'extend': {
      const clip = fitted[0]!.frames;
      const shownClip = shown[0]!.frames;
      const forward = mode.direction === 'forward';
      const k = forward
        ? contextGroups(mode.contextGroups, Math.floor((clip.length - 1) / g), (k) => T - 1 - k, 'the clip', g)
        : contextGroups(mode.contextGroups, Math.floor(clip.length / g), (k) => T - k, 'the clip', g);
      if (forward) {
        // The last 1 + gk frames: the first of them alone (latent 0), then k groups → new latents 0…k.
        const context = clip.slice(clip.length - 1 - g * k);
        const o = overlapGroups(mode.overlap);
        return {
          encodes: true,
          conditioning: async (encoder) => released(encoder.known([{ at: 0, latents: await encoder.encode(context), from: 0, count: k + 1 }]), k, mode.overlap),
          join: (sampled) => ({ frames: [...shownClip.slice(0, shownClip.length - g * o), ...sampled.slice(1 + g * (k - o))], offset: clip.length - 1 - g * k }),
        };
      }
      if (mode.overlap) invalid('source', 'an overlap resamples the end of the clip an extension continues; extending backward keeps the clip as it is');
      if (mode.previousPrompt) invalid('source', 'a previous prompt leads from the clip an extension continues into the new frames; extending backward continues none');
      // The first gk frames as k groups (encode [f0, f0…f(gk−1)], drop latent 0) → the last k latents.
      const context = clip.slice(0, g * k);
      const sampledKept = 1 + g * (T - 1 - k);
      return {
        encodes: true,
        conditioning: async (encoder) => encoder.known([{ at: T - k, latents: await encoder.encode([context[0]!, ...context]), from: 1, count: k }]),
        join: (sampled) => ({ frames: [...sampled.slice(0, sampledKept), ...shownClip], offset: 0 }),
      };
    }

    case 'video-to-video': {
      if (!(mode.strength >= 0 && mode.strength <= 1)) invalid('strength', `strength ${mode.strength} is not a number from 0 (keep the clip) to 1 (ignore it)`);
      const clip = fitted[0]!.frames;
      const frames = 1 + g * (T - 1);
      if (clip.length < frames) invalid('source', `the clip has ${clip.length} frames; ${frames} are needed for ${frames} output frames`);
      const source = clip.slice(0, frames);
      return {
        encodes: true,
        conditioning: async (encoder) => ({ start: { latents: await encoder.encode(source), time: mode.strength } }),
        join: asIs,
      };
    }

    case 'loop': {
      if ((mode.method ?? DEFAULT_LOOP_METHOD) === 'roll') {
        // Latents 1 … T−1 sampled as a circle; frame 0 (an image latent) is not part of the loop.
        if (T < 3) invalid('frames', `a loop needs at least 3 latent frames (${1 + g * 2} frames); ${1 + g * (T - 1)} has ${T}`);
        return { encodes: false, conditioning: async () => ({ roll: { from: 1 } }), join: (sampled) => ({ frames: sampled.slice(1), offset: -1 }) };
      }
      // Latent 1 (frames 1…g) and the last latent are one variable: the clip's end is its beginning again.
      if (T < 4) invalid('frames', `a loop needs at least 4 latent frames (${1 + g * 3} frames); ${1 + g * (T - 1)} has ${T}`);
      return {
        encodes: false,
        conditioning: async () => ({ tied: [[1, T - 1]] }),
        // Frames 1 … g(T−2): the next frame would be frame g(T−2)+1, a copy of frame 1.
        join: (sampled) => ({ frames: sampled.slice(1, 1 + g * (T - 2)), offset: -1 }),
      };
    }

    case 'connect': {
      const [a, b] = [fitted[0]!.frames, fitted[1]!.frames];
      const [shownA, shownB] = [shown[0]!.frames, shown[1]!.frames];
      const k = contextGroups(mode.contextGroups, Math.min(Math.floor((a.length - 1) / g), Math.floor(b.length / g)), (k) => T - 1 - 2 * k, 'a clip', g);
      const head = a.slice(a.length - 1 - g * k);
      const tail = b.slice(0, g * k);
      const o = overlapGroups(mode.overlap);
      return {
        encodes: true,
        conditioning: async (encoder) =>
          released(
            encoder.known([
              { at: 0, latents: await encoder.encode(head), from: 0, count: k + 1 },
              { at: T - k, latents: await encoder.encode([tail[0]!, ...tail]), from: 1, count: k },
            ]),
            k,
            mode.overlap,
          ),
        join: (sampled) => ({ frames: [...shownA.slice(0, shownA.length - g * o), ...sampled.slice(1 + g * (k - o), 1 + g * (T - 1 - k)), ...shownB], offset: a.length - 1 - g * k }),
      };
    }
  }
}

/**
 * k: the requested number of context groups, or 2 when the source has the frames and the sampled
 * clip keeps at least 2 free latent frames, else 1. `available` is the largest k the source's frames
 * allow; `free(k)` the latent frames left to sample around k groups; `g` frames make a group.
 */
function contextGroups(requested: number | undefined, available: number, free: (k: number) => number, what: string, g: number): ContextGroups {
  const frames = (k: number) => `${1 + g * (free(k) + k)} frames`;
  if (requested !== undefined) {
    if (requested !== 1 && requested !== 2) invalid('source', `context groups ${requested} is not 1 or 2`);
    if (available < requested) invalid('source', `${what} is too short to keep ${requested} group${requested > 1 ? 's' : ''} of ${g} frames`);
    if (free(requested) < 1) invalid('frames', `${frames(requested)} leave nothing to generate around ${requested} context group${requested > 1 ? 's' : ''}; choose a longer clip`);
    return requested;
  }
  if (available >= 2 && free(2) >= 2) return 2;
  if (available < 1) invalid('source', `${what} is too short: it needs at least one group of ${g} frames (${g + 1} frames when its end is kept)`);
  if (free(1) < 1) invalid('frames', `${frames(1)} leave nothing to generate; choose a longer clip`);
  return 1;
}

/** Groups of the source an overlap resamples: one, or none without an overlap. */
function overlapGroups(overlap: Overlap | undefined): 0 | 1 {
  if (!overlap) return 0;
  if (!(overlap.releaseBelow >= 0 && overlap.releaseBelow <= 1)) invalid('strength', `overlap release time ${overlap.releaseBelow} is not a flow time from 0 to 1`);
  return 1;
}

/** The previous prompt's share of each latent frame: all of it up to the source's last placed frame (kept or released), then a share of the first free one. */
function previousPromptBlend(mode: GenerationMode, conditioning: LatentConditioning | undefined): PromptBlend | undefined {
  if ((mode.kind !== 'extend' && mode.kind !== 'connect') || !mode.previousPrompt || !conditioning?.known) return undefined;
  const firstFree = conditioning.known.frames.indexOf(false);
  return { prompt: mode.previousPrompt, weights: conditioning.known.frames.map((_, f) => (f < firstFree ? 1 : f === firstFree ? PREVIOUS_PROMPT_FIRST_FREE_SHARE : 0)) };
}

/** Known latents with latent frame `last` (the source's last kept group) released below the overlap's time. */
function released(conditioning: LatentConditioning, last: number, overlap: Overlap | undefined): LatentConditioning {
  if (!overlap || !conditioning.known) return conditioning;
  const releaseBelow = conditioning.known.frames.map((_, f) => (f === last ? overlap.releaseBelow : 0));
  return { ...conditioning, known: { ...conditioning.known, releaseBelow } };
}

function invalid(field: 'frames' | 'source' | 'strength', message: string): never {
  throw new PipelineError(field === 'frames' ? 'invalid-frames' : field === 'strength' ? 'invalid-conditioning' : 'invalid-source', message);
}

/** Latent frames `from … from+count−1` of an encoded run, placed at latent frame `at` of the clip. */
interface Placement {
  readonly at: number;
  readonly latents: Float32Array;
  readonly from: number;
  readonly count: number;
}

/** Encodes model-size RGBA frames with the architecture's encoder and assembles known latents. */
class Encoder {
  constructor(
    private readonly architecture: Architecture,
    private readonly dims: LatentDims,
    private readonly size: VideoSize,
  ) {}

  /** 1 + gj RGBA frames (g the architecture's framesPerLatent) → latents [C, 1 + j, h, w]. */
  encode(frames: readonly Uint8ClampedArray[]): Promise<Float32Array> {
    // generateVideo refuses a plan that encodes when the architecture has no encoder.
    return this.architecture.encode!(frames, this.size);
  }

  /** Known latents [C, T, h, w] and the mask of the frames placed. */
  known(placements: readonly Placement[]): LatentConditioning {
    const { channels, frames: T, height, width } = this.dims;
    const plane = height * width;
    const latents = new Float32Array(channels * T * plane);
    const frames = Array.from({ length: T }, () => false);
    for (const { at, latents: source, from, count } of placements) {
      const sourceT = source.length / (channels * plane);
      for (let j = 0; j < count; j++) {
        frames[at + j] = true;
        for (let c = 0; c < channels; c++) latents.set(source.subarray((c * sourceT + from + j) * plane, (c * sourceT + from + j + 1) * plane), (c * T + at + j) * plane);
      }
    }
    return { known: { latents, frames } };
  }
}
