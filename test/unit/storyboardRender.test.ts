/**
 * The storyboard executor on the real modes (src/pipeline/videoModes.ts) with a fake runner: which
 * frames of each segment's result land where in the story, progress, cancel, and refusals.
 */
import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { parseManifest } from '../../src/models/manifest';
import { generateVideo, type RgbaClip } from '../../src/pipeline/videoModes';
import { packCapabilities } from '../../src/storyboard/packCapabilities';
import { CLIP_JOIN_WARM_START, OVERLAP_RELEASE_BELOW, renderStoryboard, type RenderSegment, type SegmentRequest, type SegmentVideo, type StoryProgress } from '../../src/storyboard/renderStoryboard';
import { StoryboardError } from '../../src/storyboard/storyboardError';
import { planStoryboard } from '../../src/storyboard/storyboardPlanner';
import { measureSeams } from '../../src/storyboard/storyboardSeams';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';
import { fakeRunner } from '../fixtures/fakeRunner';
import { validManifestJson } from '../fixtures/manifestFixture';

const manifest = parseManifest(validManifestJson()); // 16:9 is 56×32, frame counts 1…33, g = 4
const pack = packCapabilities(manifest);
const flat = (value: number) => new Uint8ClampedArray(56 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : value));
const clipOf = (frames: Uint8ClampedArray[]): RgbaClip => ({ width: 56, height: 32, frames });
const MEDIA = new Map<string, RgbaClip>([
  ['key.png', clipOf([flat(200)])],
  ['intro.y4m', clipOf(Array.from({ length: 17 }, (_, f) => flat(10 + f)))],
]);
const MINIMAL = parseStoryboard({
  aspect: '16:9',
  seed: 42,
  steps: 2,
  cards: [
    { type: 'text', prompt: 'a red circle moving right on a blue background', seconds: 2 },
    { type: 'image', file: 'key.png' },
    { type: 'clip', file: 'intro.y4m' },
    { type: 'text', prompt: 'a red circle moving up on a blue background', seconds: 2 },
  ],
});
const plan = (board = MINIMAL) => planStoryboard(board, pack, new Map([['intro.y4m', 17]]));

/** The real modes on a fake runner whose decoder paints sampled frame f a flat gray of its own; logs every call. */
function recordingRenderer(): { render: RenderSegment; calls: { request: SegmentRequest; video: SegmentVideo }[] } {
  const { runner } = fakeRunner({ embedDim: 16, velocity: 0.25, temporalCompression: 4, spatialCompression: 4, frame: (_, f) => (f + 1) / 40 });
  const architecture = createArchitecture(manifest, runner);
  const calls: { request: SegmentRequest; video: SegmentVideo }[] = [];
  const render: RenderSegment = async (request, signal) => {
    const { segment: _segment, ...videoRequest } = request;
    const video = await generateVideo(architecture, manifest, videoRequest, { signal });
    calls.push({ request, video });
    return video;
  };
  return { render, calls };
}

/**
 * `render`, except that a segment of `kind` decodes its sampled frame `at` as a copy of its context
 * frame `at − 1` (the clip an extension continues, a connect's head): there the story's and the
 * segment's renderings meet, a step of 0, and every other candidate cut steps further.
 */
function meetingAt(render: RenderSegment, kind: 'extend' | 'connect', at: number): RenderSegment {
  return async (request, signal) => {
    const video = await render(request, signal);
    const { mode } = request;
    if (mode.kind !== kind || (mode.kind !== 'extend' && mode.kind !== 'connect')) return video;
    const context = mode.kind === 'extend' ? mode.clip : mode.first;
    return { ...video, sampledFrames: video.sampledFrames.map((frame, f) => (f === at ? context.frames[at - 1]! : frame)) };
  };
}

describe('renderStoryboard', () => {
  it('joins the minimal board (frames made backward into the keyframe, the keyframe as decoded, a transition, the clip as it is, an extension) and reports each segment', async () => {
    const p = plan();
    const { render, calls } = recordingRenderer();
    const events: StoryProgress[] = [];
    const story = await renderStoryboard(MINIMAL, p, MEDIA, render, { onProgress: (e) => events.push(e) });
    expect(story.frames).toHaveLength(p.totalFrames);
    expect(calls.map((c) => c.request.mode.kind)).toEqual(['extend', 'connect', 'extend']);
    expect(calls.map((c) => c.request.seed)).toEqual(p.segments.map((s) => s.seed));
    // The transition into the clip and the extension out of it start warmer; the first segment joins no clip.
    expect(calls.map((c) => c.request.warmStart)).toEqual([undefined, CLIP_JOIN_WARM_START, CLIP_JOIN_WARM_START]);
    // No overlap and no prompt hand-over: the story ends at a keyframe, then at the clip's own frames.
    expect(calls.map((c) => 'overlap' in c.request.mode || 'previousPrompt' in c.request.mode)).toEqual([false, false, false]);
    const [toKey, toClip, after] = calls.map((c) => c.video);
    // The keyframe is the decoded frame where the still image's group starts, not a copy of the image.
    const keyframe = p.keyframes[0]!.frame;
    expect(story.frames[keyframe]).toBe(toKey!.sampledFrames[keyframe]);
    expect(story.frames.slice(0, keyframe)).toEqual(toKey!.sampledFrames.slice(0, keyframe));
    // The clip stands unchanged right after the transition.
    const clipStart = p.segments[1]!.startFrame + p.segments[1]!.frames - 17;
    expect(story.frames.slice(clipStart, clipStart + 17)).toEqual(MEDIA.get('intro.y4m')!.frames);
    expect(story.frames.slice(p.segments[1]!.startFrame, clipStart)).toEqual(toClip!.sampledFrames.slice(9, 9 + clipStart - p.segments[1]!.startFrame));
    // The extension adds the frames after its context, and its context was the story's end.
    expect(story.frames.slice(p.segments[2]!.startFrame)).toEqual(after!.frames.slice(9));
    expect((calls[2]!.request.mode as { clip: RgbaClip }).clip.frames).toEqual(story.frames.slice(p.segments[2]!.startFrame - 9, p.segments[2]!.startFrame));
    // Three seams: into the transition, into the clip, into the extension.
    expect(story.seams.seams.map((s) => s.frame)).toEqual([p.segments[1]!.startFrame, clipStart, p.segments[2]!.startFrame]);
    // Progress: each segment's start and end in order, with the frames it added.
    expect(events.map((e) => `${e.stage} ${e.segment}/${e.of}`)).toEqual(['segment-start 0/3', 'segment-done 0/3', 'segment-start 1/3', 'segment-done 1/3', 'segment-start 2/3', 'segment-done 2/3']);
    const done = events.filter((e) => e.stage === 'segment-done');
    expect(done.map((e) => e.storyFrames)).toEqual(p.segments.map((s) => s.startFrame + s.frames));
    expect(done.flatMap((e) => e.frames)).toEqual(story.frames);
  });

  // The extension's context is the story's last 9 frames (story 8…16): its frame 4 is the last pinned
  // one, 5…8 the resampled group, 9 its first new frame. Each case makes one candidate cut a step of 0.
  it.each([
    { cut: 4, where: 'where the overlap starts' },
    { cut: 6, where: 'inside the resampled group' },
    { cut: 8, where: 'after the group, at the first new frame' },
  ])('resamples the story’s last group with a text card after a text card, under the previous prompt, and cuts $where when the two renderings meet there', async ({ cut }) => {
    const [first, second] = ['a red circle moving right on a blue background', 'a red circle moving up on a blue background'];
    const board = parseStoryboard({ aspect: '16:9', seed: 42, steps: 2, cards: [{ type: 'text', prompt: first, seconds: 2 }, { type: 'text', prompt: second, seconds: 2 }] });
    const p = plan(board);
    expect(p.segments[1]).toMatchObject({ mode: 'extend', contextGroups: 2, resamples: 4, startFrame: 17, frames: 16 });
    const { render, calls } = recordingRenderer();
    // The extension's decoded frame after `cut` repeats the story's context frame `cut`: that step is 0, every other candidate's is not.
    const story = await renderStoryboard(board, p, MEDIA, meetingAt(render, 'extend', cut + 1));
    expect(story.frames).toHaveLength(p.totalFrames);
    expect(calls[1]!.request.mode).toMatchObject({ kind: 'extend', contextGroups: 2, overlap: { releaseBelow: OVERLAP_RELEASE_BELOW }, previousPrompt: first });
    const context = (calls[1]!.request.mode as { clip: RgbaClip }).clip.frames;
    expect(context).toEqual(calls[0]!.video.frames.slice(8));
    // The story keeps its own frames to context frame `cut` (story frame 8 + cut), then the extension's from the next on.
    expect(story.frames.slice(0, 9 + cut)).toEqual(calls[0]!.video.frames.slice(0, 9 + cut));
    expect(story.frames.slice(9 + cut)).toEqual(calls[1]!.video.sampledFrames.slice(cut + 1).map((frame, i) => (i === 0 ? context[cut] : frame)));
    expect(story.seams.seams).toEqual([{ frame: 9 + cut, difference: 0 }]);
    // The steps after the seam are named by the extension's own groups (a group ends at sampled frame 4, 8, …).
    expect(story.steps.slice(10 + cut, 18)).toEqual(Array.from({ length: 8 - cut }, (_, j) => ((cut + 1 + j) % 4 === 0 ? 'group' : 'inner')));
  });

  it('cuts a connect that continues the story into a keyframe where the renderings meet, the keyframe still its decoded frame at the planned place', async () => {
    const board = parseStoryboard({ aspect: '16:9', seed: 3, steps: 2, cards: [{ type: 'text', prompt: 'a red circle', seconds: 2 }, { type: 'text', prompt: 'a blue square', seconds: 2 }, { type: 'image', file: 'key.png' }] });
    const p = plan(board);
    expect(p.segments[1]).toMatchObject({ mode: 'connect', contextGroups: 2, resamples: 4, startFrame: 17, frames: 17 });
    const { render, calls } = recordingRenderer();
    // The connect's decoded frame 6 repeats its head's frame 5 (story frame 13): the cut keeps the story to frame 13.
    const story = await renderStoryboard(board, p, MEDIA, meetingAt(render, 'connect', 6));
    expect(story.frames).toHaveLength(p.totalFrames);
    const sampled = calls[1]!.video.sampledFrames;
    expect(story.frames.slice(0, 14)).toEqual(calls[0]!.video.frames.slice(0, 14));
    expect(story.frames[14]).toEqual(story.frames[13]);
    expect(story.frames.slice(15)).toEqual(sampled.slice(7, 26));
    expect(story.frames[p.keyframes[0]!.frame]).toBe(sampled[25]);
    expect(story.seams.seams).toEqual([{ frame: 14, difference: 0 }]);
  });

  it('opens with image-to-video from a keyframe at the first frame and re-renders the same frames from the same board', async () => {
    const board = parseStoryboard({ aspect: '16:9', seed: 5, steps: 2, cards: [{ type: 'image', file: 'key.png', at: 'first' }, { type: 'text', prompt: 'a red circle', seconds: 2 }, { type: 'text', prompt: 'a blue square', seconds: 1 }] });
    const a = await renderStoryboard(board, plan(board), MEDIA, recordingRenderer().render);
    const b = await renderStoryboard(board, plan(board), MEDIA, recordingRenderer().render);
    expect(a.frames).toHaveLength(25);
    expect(b.frames).toEqual(a.frames);
  });

  it('opens with a keyframe followed straight by a clip: the still image’s decoded frame, the transition, the clip as it is', async () => {
    const board = parseStoryboard({ aspect: '16:9', seed: 9, steps: 2, cards: [{ type: 'image', file: 'key.png' }, { type: 'clip', file: 'intro.y4m' }, { type: 'text', prompt: 'a red circle', seconds: 1 }] });
    const p = plan(board);
    const { render, calls } = recordingRenderer();
    const story = await renderStoryboard(board, p, MEDIA, render);
    expect(calls.map((c) => c.request.mode.kind)).toEqual(['connect', 'extend']);
    expect(calls.map((c) => c.request.warmStart)).toEqual([CLIP_JOIN_WARM_START, CLIP_JOIN_WARM_START]);
    const [connect] = calls;
    const k = p.segments[0]!.contextGroups!;
    expect((connect!.request.mode as { first: RgbaClip }).first.frames).toEqual(Array.from({ length: 1 + 4 * k }, () => MEDIA.get('key.png')!.frames[0]));
    expect(story.frames[0]).toBe(connect!.video.sampledFrames[4 * k]);
    const clipStart = p.segments[0]!.frames - 17;
    expect(story.frames.slice(1, clipStart)).toEqual(connect!.video.sampledFrames.slice(1 + 4 * k, 1 + 4 * k + clipStart - 1));
    expect(story.frames.slice(clipStart, clipStart + 17)).toEqual(MEDIA.get('intro.y4m')!.frames);
    expect(story.frames).toHaveLength(p.totalFrames);
  });

  it('stops at the next segment when the signal aborts, with code aborted', async () => {
    const controller = new AbortController();
    const { render, calls } = recordingRenderer();
    const stopped = renderStoryboard(MINIMAL, plan(), MEDIA, render, { signal: controller.signal, onProgress: (e) => e.stage === 'segment-done' && controller.abort() });
    await expect(stopped).rejects.toMatchObject({ name: 'StoryboardError', code: 'aborted' });
    expect(calls).toHaveLength(1);
  });

  it('refuses a plan with problems, missing media and a segment that returns other frames, before or instead of joining', async () => {
    const { render, calls } = recordingRenderer();
    const bad = parseStoryboard({ ...MINIMAL, aspect: '4:3' });
    await expect(renderStoryboard(bad, plan(bad), MEDIA, render)).rejects.toMatchObject({ code: 'unrenderable', path: 'aspect' });
    await expect(renderStoryboard(MINIMAL, plan(), new Map([...MEDIA].filter(([k]) => k !== 'key.png')), render)).rejects.toMatchObject({ code: 'missing-media', path: 'cards[1].file' });
    const small = new Map(MEDIA).set('key.png', { width: 32, height: 32, frames: [new Uint8ClampedArray(32 * 32 * 4)] });
    await expect(renderStoryboard(MINIMAL, plan(), small, render)).rejects.toThrow(/32x32; the plan renders at 56x32/);
    expect(calls).toHaveLength(0);
    const short: RenderSegment = async (request, signal) => {
      const video = await render(request, signal);
      return { ...video, frames: video.frames.slice(1) };
    };
    await expect(renderStoryboard(MINIMAL, plan(), MEDIA, short)).rejects.toBeInstanceOf(StoryboardError);
  });
});

describe('measureSeams', () => {
  it('compares the mean seam with the mean group-to-group step, leaving inner and source steps out', () => {
    const frames = [0, 10, 12, 40, 41, 100].map(flat);
    const report = measureSeams(frames, ['start', 'inner', 'group', 'inner', 'seam', 'source']);
    expect(report.seams).toEqual([{ frame: 4, difference: 1 }]);
    expect(report.meanGroupStep).toBe(2);
    expect(report.ratio).toBe(0.5);
    expect(report.worstRatio).toBe(0.5);
    expect(report.largestGroupStep).toBe(2);
  });
});
