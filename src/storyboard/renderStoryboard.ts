/**
 * The render executor: runs a plan segment by segment through an injected `RenderSegment` (the
 * worker and the CLI each wrap their own sampler in one), cuts each result to the frames the plan
 * says it adds, joins them into one frame sequence and measures its seams. Pure: no DOM, worker or
 * Node API, so both sides share it.
 */
import { fitClip } from '../pipeline/fitFrames';
import type { GenerationMode, RgbaClip } from '../pipeline/videoModes';
import { StoryboardError } from './storyboardError';
import type { PlannedSegment, SegmentAnchor, StoryPlan } from './storyboardPlan';
import { overlapCut } from './overlapCut';
import { measureSeams, type FrameStep, type SeamReport } from './storyboardSeams';
import type { Storyboard } from './storyboardTypes';

/** One generation, in the fields of the pipeline's `VideoRequest` (src/pipeline/videoModes.ts), plus the segment it renders. */
export interface SegmentRequest {
  readonly segment: PlannedSegment;
  readonly mode: GenerationMode;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
  readonly aspect: string;
  /** Frames to sample: `segment.sampledFrames`. */
  readonly frames: number;
  readonly steps?: number;
  readonly guidance?: number;
  /** The flow time new frames start from (the pipeline's `warmStart`); absent: the pipeline's default. */
  readonly warmStart?: number;
}

/** What a segment's render returns: the pipeline's `ModeVideo` has both. */
export interface SegmentVideo {
  /** The mode's output, joined with its sources as the pipeline joins them. */
  readonly frames: readonly Uint8ClampedArray[];
  /** The clip as sampled and decoded, before joining. */
  readonly sampledFrames: readonly Uint8ClampedArray[];
}

/** Renders one segment: `generateVideo(runner, manifest, request, { signal })` on either side. */
export type RenderSegment = (request: SegmentRequest, signal: AbortSignal | undefined) => Promise<SegmentVideo>;

export type StoryProgress =
  | { readonly stage: 'segment-start'; readonly segment: number; readonly of: number }
  /** `frames`: what the segment added, for a live preview (with an overlap, first the frames that replaced the story's last ones from the cut on); `storyFrames`: the story's length so far. */
  | { readonly stage: 'segment-done'; readonly segment: number; readonly of: number; readonly frames: readonly Uint8ClampedArray[]; readonly storyFrames: number };

export interface RenderStoryOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: StoryProgress) => void;
}

export interface RenderedStory {
  readonly frames: readonly Uint8ClampedArray[];
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly seams: SeamReport;
  /** What the step into each frame is (seam, group, inner, source), for measuring the story's frames as rendered elsewhere. */
  readonly steps: readonly FrameStep[];
}

/**
 * Renders `plan` (made from `board`) with `media`: every image and clip card's file, read at the
 * plan's size and frame rate. Throws StoryboardError: 'unrenderable' for a plan with problems,
 * 'missing-media', 'segment-mismatch', 'aborted'; errors of `renderSegment` pass through.
 */
export async function renderStoryboard(
  board: Storyboard,
  plan: StoryPlan,
  media: ReadonlyMap<string, RgbaClip>,
  renderSegment: RenderSegment,
  options: RenderStoryOptions = {},
): Promise<RenderedStory> {
  // 1. Check the plan and the media before anything is sampled
  const first = plan.problems[0];
  if (first) throw new StoryboardError('unrenderable', `${plan.problems.length} problem${plan.problems.length > 1 ? 's' : ''}; first: ${first.message}`, first.path);
  const mediaOf = (anchor: SegmentAnchor) => checkedMedia(media, anchor, plan);
  plan.segments.forEach((segment) => [segment.from, segment.to].forEach((anchor) => anchor && mediaOf(anchor)));

  // 2. Render each segment and keep the frames it adds, marking what each step between frames is
  const story: Uint8ClampedArray[] = [];
  const steps: FrameStep[] = [];
  const g = plan.temporalCompression;
  for (const segment of plan.segments) {
    if (options.signal?.aborted) throw new StoryboardError('aborted', 'the storyboard render was cancelled');
    options.onProgress?.({ stage: 'segment-start', segment: segment.index, of: plan.segments.length });
    const added = await renderOne(segment);
    if (added.frames.length - added.replaces !== segment.frames) {
      throw new StoryboardError('segment-mismatch', `segment ${segment.index} (${segment.mode}) added ${added.frames.length - added.replaces} frames; the plan expects ${segment.frames}`);
    }
    // An overlap gives the story's last frames again, resampled with the new ones: from the cut on they replace the old.
    story.splice(story.length - added.replaces);
    steps.splice(steps.length - added.replaces);
    added.steps.forEach((step, i) => steps.push(story.length === 0 && i === 0 ? 'start' : i === 0 ? 'seam' : step));
    story.push(...added.frames);
    options.onProgress?.({ stage: 'segment-done', segment: segment.index, of: plan.segments.length, frames: added.frames, storyFrames: story.length });
  }

  // 3. Measure the seams
  return { frames: story, width: plan.decodedWidth, height: plan.decodedHeight, fps: plan.fps, seams: measureSeams(story, steps), steps };

  /** The frames a segment adds, what the step into each is, and how many of the story's last frames they replace (an overlap's, from the cut on). */
  async function renderOne(segment: PlannedSegment): Promise<{ frames: Uint8ClampedArray[]; steps: FrameStep[]; replaces: number }> {
    const k = segment.contextGroups ?? 1;
    const resampled = segment.resamples ?? 0;
    // An overlap resamples the story's last group; a new prompt takes over from the one the story's
    // end was sampled with (a clip's frames were not: after a clip the new prompt starts at once).
    const previous = plan.segments[segment.index - 1];
    const continues = segment.mode === 'extend' || (segment.mode === 'connect' && !segment.from);
    const sampledEnd = previous && previous.mode !== 'clip' && previous.to?.type !== 'clip';
    const joins = {
      ...(resampled > 0 ? { overlap: { releaseBelow: OVERLAP_RELEASE_BELOW } } : {}),
      ...(continues && sampledEnd && previous.prompt !== segment.prompt ? { previousPrompt: previous.prompt } : {}),
    };
    const to = segment.to && mediaOf(segment.to);
    // A clip used as is joins the story at the decoded frames' size (the modes fit their sources themselves)
    const decoded = { width: plan.decodedWidth, height: plan.decodedHeight };
    const shown = to && (to.width === decoded.width && to.height === decoded.height ? to : fitClip(to, decoded));
    const still = (clip: RgbaClip, count: number): RgbaClip => ({ ...clip, frames: Array.from({ length: count }, () => clip.frames[0]!) });
    const asClip = (frames: Uint8ClampedArray[]): RgbaClip => ({ ...decoded, frames });
    const render = (mode: GenerationMode) =>
      renderSegment(
        {
          segment,
          mode,
          prompt: segment.prompt,
          negativePrompt: board.negativePrompt ?? '',
          seed: segment.seed,
          aspect: plan.aspect,
          frames: segment.sampledFrames,
          ...(board.steps !== undefined ? { steps: board.steps } : {}),
          ...(board.guidance !== undefined ? { guidance: board.guidance } : {}),
          ...(touchesClip(segment) ? { warmStart: CLIP_JOIN_WARM_START } : {}),
        },
        options.signal,
      );
    /** Whether the segment reaches a clip used as is, or continues from one. */
    function touchesClip(current: PlannedSegment): boolean {
      const before = plan.segments[current.index - 1];
      return current.mode !== 'clip' && (current.to?.type === 'clip' || before?.mode === 'clip' || before?.to?.type === 'clip');
    }
    // Sampled frame s follows s − 1 across a latent group boundary when s − 1 ends a group (s − 1 = g·j).
    const sampledSteps = (from: number, count: number): FrameStep[] => Array.from({ length: count }, (_, j) => ((from + j - 1) % g === 0 && from + j >= 1 ? 'group' : 'inner'));
    const sourceSteps = (count: number): FrameStep[] => Array.from({ length: count }, (_, j) => (j === 0 ? 'seam' : 'source'));
    /**
     * The last context frame the story keeps when `sampled` (a segment's decoded frames, 0 … gk
     * being its context, the story's last 1 + gk frames) continues the story: the plan's seam
     * without an overlap, else the cut chosen in the resampled group (overlapCut.ts).
     */
    const cutAfter = (sampled: readonly Uint8ClampedArray[]): number => {
      const planned = g * k - resampled;
      if (resampled === 0) return planned;
      return planned + overlapCut(story.slice(story.length - 1 - resampled), sampled.slice(planned, g * k + 2));
    };

    switch (segment.mode) {
      case 'clip':
        return { frames: [...shown!.frames], steps: sourceSteps(shown!.frames.length), replaces: 0 };
      case 'text-to-video': {
        const video = await render({ kind: 'text' });
        return { frames: [...video.frames], steps: sampledSteps(0, video.frames.length), replaces: 0 };
      }
      case 'image-to-video': {
        const video = await render({ kind: 'image-to-video', image: still(mediaOf(segment.from!), 1) });
        return { frames: [...video.frames], steps: sampledSteps(0, video.frames.length), replaces: 0 };
      }
      case 'extend': {
        const context = story.slice(story.length - 1 - g * k);
        const video = await render({ kind: 'extend', clip: asClip(context), direction: 'forward', contextGroups: k, ...joins });
        const cut = cutAfter(video.sampledFrames);
        const added = video.sampledFrames.slice(cut + 1);
        return { frames: added, steps: sampledSteps(cut + 1, added.length), replaces: g * k - cut };
      }
      case 'extend-backward': {
        const anchor = segment.to!.type === 'clip' ? to! : still(to!, g * k);
        const video = await render({ kind: 'extend', clip: anchor, direction: 'backward', contextGroups: k });
        const kept = video.frames.length - anchor.frames.length;
        const made = video.frames.slice(0, kept);
        if (segment.to!.type === 'clip') return { frames: [...made, ...shown!.frames], steps: [...sampledSteps(0, kept), ...sourceSteps(shown!.frames.length)], replaces: 0 };
        return { frames: [...made, video.sampledFrames[kept]!], steps: sampledSteps(0, kept + 1), replaces: 0 };
      }
      case 'connect': {
        const opens = segment.from && mediaOf(segment.from);
        const head = opens ? still(opens, 1 + g * k) : asClip(story.slice(story.length - 1 - g * k));
        const tail = segment.to!.type === 'clip' ? to! : still(to!, g * k);
        const video = await render({ kind: 'connect', first: head, second: tail, contextGroups: k, ...joins });
        const tailStart = video.sampledFrames.length - g * k; // sampled index of the anchor's first decoded frame
        // From a keyframe, the story starts at its decoded frame (sampled g·k); from the story, after the cut.
        const first = opens ? g * k : cutAfter(video.sampledFrames) + 1;
        const frames = video.sampledFrames.slice(first, tailStart);
        const steps = sampledSteps(first, frames.length);
        const replaces = opens ? 0 : 1 + g * k - first;
        if (segment.to!.type === 'clip') return { frames: [...frames, ...shown!.frames], steps: [...steps, ...sourceSteps(shown!.frames.length)], replaces };
        return { frames: [...frames, video.sampledFrames[tailStart]!], steps: [...steps, ...sampledSteps(tailStart, 1)], replaces };
      }
    }
  }
}

/**
 * The warm start of a segment that reaches a clip used as is or continues from one: its new frames
 * start nearer to the latents it keeps than at the pipeline's default 0.8. On the minimal board it
 * brought the seam out of the clip from 5.7–9.9 to 2.8–3.6 and the one into it from 6.9–11.2 to
 * 5.9–6.6 (10 seeds; 0.4, 0.5 and 0.7 did less; docs/storyboard.md, "The seam figure"). Segments
 * between sampled frames keep the default: there a lower one shrank the story's own motion more
 * than the seams.
 */
export const CLIP_JOIN_WARM_START = 0.6;

/**
 * The flow time below which an overlap group (the story's last sampled group, resampled with the
 * next segment's first ones; storyboardPlan.ts `resamples`) is free; above it the group stays on
 * its own latent's noise path. Chosen by measurement (docs/storyboard.md, "The seam figure").
 */
export const OVERLAP_RELEASE_BELOW = 0.8;

/** A card's media at the plan's frame size; a clip with the frame count the plan was made for. */
function checkedMedia(media: ReadonlyMap<string, RgbaClip>, anchor: SegmentAnchor, plan: StoryPlan): RgbaClip {
  const path = `cards[${anchor.card}].file`;
  const clip = media.get(anchor.file);
  if (!clip || clip.frames.length === 0) throw new StoryboardError('missing-media', `${anchor.file} was not given to the renderer`, path);
  if (clip.width !== plan.width || clip.height !== plan.height) {
    throw new StoryboardError('missing-media', `${anchor.file} is ${clip.width}x${clip.height}; the plan renders at ${plan.width}x${plan.height}`, path);
  }
  return clip;
}
