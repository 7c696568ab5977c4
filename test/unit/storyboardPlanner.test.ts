import { describe, expect, it } from 'vitest';
import type { PackCapabilities } from '../../src/storyboard/packCapabilities';
import { segmentSeed } from '../../src/storyboard/segmentSeed';
import { planStoryboard } from '../../src/storyboard/storyboardPlanner';
import type { StoryPlan } from '../../src/storyboard/storyboardPlan';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';

/** tessera-tiny's capabilities (public/models/tessera-tiny/manifest.json). */
const TINY: PackCapabilities = { fps: 8, frameCounts: [1, 9, 17, 25, 33], temporalCompression: 4, sizes: { '16:9': { width: 56, height: 32 }, '1:1': { width: 32, height: 32 } } };
const RIGHT = 'a red circle moving right on a blue background';
const UP = 'a red circle moving up on a blue background';

const text = (seconds: number, prompt = RIGHT) => ({ type: 'text', prompt, seconds });
const plan = (cards: unknown[], clips: Record<string, number> = {}, extra: object = {}): StoryPlan =>
  planStoryboard(parseStoryboard({ aspect: '16:9', seed: 42, cards, ...extra }), TINY, new Map(Object.entries(clips)));
const modes = (p: StoryPlan) => p.segments.map((s) => s.mode);

/** Every segment starts where the one before ends, and the story is their sum. */
function expectContiguous(p: StoryPlan): void {
  let frame = 0;
  for (const segment of p.segments) {
    expect(segment.startFrame).toBe(frame);
    frame += segment.frames;
  }
  expect(p.totalFrames).toBe(frame);
}

describe('planStoryboard', () => {
  it('renders one text card as text-to-video with the board seed: the frames of --prompt … --seed 42', () => {
    const p = plan([text(2)]);
    expect(p.segments).toEqual([{ index: 0, mode: 'text-to-video', cards: [0], prompt: RIGHT, seed: 42, sampledFrames: 17, startFrame: 0, frames: 17, implicit: false }]);
    expect(p).toMatchObject({ totalFrames: 17, width: 56, height: 32, fps: 8, problems: [] });
  });

  it('continues text after text by extending the previous segment', () => {
    const p = plan([text(2), text(2, UP)]);
    expect(modes(p)).toEqual(['text-to-video', 'extend']);
    expect(p.segments[1]).toMatchObject({ prompt: UP, contextGroups: 2, sampledFrames: 25, startFrame: 17, frames: 16 });
    expect(p.totalFrames).toBe(33); // 4 s at 8 fps, frame 0 included
  });

  it('resamples the last group of sampled frames it continues, never a keyframe or a clip', () => {
    expect(plan([text(2), text(2, UP)]).segments[1]).toMatchObject({ mode: 'extend', resamples: 4 });
    expect(plan([text(2), text(2, UP), text(2)]).segments.map((s) => s.resamples)).toEqual([undefined, 4, 4]);
    const keyed = plan([text(2), { type: 'image', file: 'key.png' }, text(2, UP)]);
    expect(keyed.segments.map((s) => s.resamples)).toEqual([undefined, undefined]);
    const minimal = plan([text(2), { type: 'image', file: 'key.png' }, { type: 'clip', file: 'intro.y4m' }, text(2, UP)], { 'intro.y4m': 17 });
    expect(minimal.segments.map((s) => s.resamples)).toEqual([undefined, undefined, undefined]);
  });

  it('plans the minimal board of the issue: back from the keyframe, a transition into the clip, then an extension', () => {
    const p = plan([text(2), { type: 'image', file: 'key.png' }, { type: 'clip', file: 'intro.y4m' }, text(2, UP)], { 'intro.y4m': 17 });
    expect(p.problems).toEqual([]);
    expect(modes(p)).toEqual(['extend-backward', 'connect', 'extend']);
    const [toKey, toClip, after] = p.segments;
    expect(toKey).toMatchObject({ cards: [0, 1], to: { type: 'image', file: 'key.png', card: 1 }, implicit: false });
    // The keyframe lands within half a latent group of 2 s (frame 16).
    expect(Math.abs(p.keyframes[0]!.frame - 16)).toBeLessThanOrEqual(2);
    expect(p.keyframes[0]).toMatchObject({ card: 1, file: 'key.png' });
    // The transition into the clip was not asked for: it borrows the prompt of the text before it.
    expect(toClip).toMatchObject({ cards: [2], implicit: true, prompt: RIGHT, to: { type: 'clip', file: 'intro.y4m' } });
    expect(toClip!.frames).toBe(16 + 17); // a 2 s transition (IMPLICIT_TRANSITION_SECONDS), then the clip as it is
    expect(after).toMatchObject({ prompt: UP, frames: 16 });
    expectContiguous(p);
  });

  it('starts from an image at the start with image-to-video, the image being frame 0', () => {
    const p = plan([{ type: 'image', file: 'start.png', at: 'first' }, text(3)]);
    expect(modes(p)).toEqual(['image-to-video']);
    expect(p.segments[0]).toMatchObject({ from: { type: 'image', file: 'start.png', card: 0 }, sampledFrames: 25, frames: 25 });
    expect(p.keyframes).toEqual([{ card: 0, file: 'start.png', frame: 0 }]);
  });

  it('reaches a keyframe after earlier frames by connect', () => {
    const p = plan([text(2), text(2, UP), { type: 'image', file: 'end.png' }, text(1)]);
    expect(modes(p)).toEqual(['text-to-video', 'connect', 'extend']);
    expect(p.segments[1]).toMatchObject({ prompt: UP, to: { type: 'image', file: 'end.png', card: 2 } });
    expect(Math.abs(p.keyframes[0]!.frame - 32)).toBeLessThanOrEqual(2);
    expectContiguous(p);
  });

  it('pins a keyframe at the middle of a text card by splitting it, and at the last frame', () => {
    const middle = plan([text(4), { type: 'image', file: 'k.png', at: 'middle' }]);
    expect(modes(middle)).toEqual(['extend-backward', 'extend']);
    expect(Math.abs(middle.keyframes[0]!.frame - 16)).toBeLessThanOrEqual(2);
    expect(middle.segments.every((s) => s.prompt === RIGHT && s.cards[0] === 0)).toBe(true);
    const last = plan([text(2), { type: 'image', file: 'k.png', at: 'last' }]);
    expect(modes(last)).toEqual(['extend-backward']);
    expect(last.keyframes[0]!.frame).toBe(last.totalFrames - 1);
  });

  it('splits a stretch longer than one sampling into extensions, within half a latent group of the asked length', () => {
    const p = plan([text(10)]);
    expect(modes(p)[0]).toBe('text-to-video');
    expect(modes(p).slice(1).every((m) => m === 'extend')).toBe(true);
    expect(Math.abs(p.totalFrames - 81)).toBeLessThanOrEqual(2);
    expect(p.segments.length).toBe(3);
    expectContiguous(p);
  });

  it('joins two clips in a row with a transition and opens a board with a clip as it is', () => {
    const p = plan([{ type: 'clip', file: 'a.y4m' }, { type: 'clip', file: 'b.y4m' }, text(1)], { 'a.y4m': 9, 'b.y4m': 13 });
    expect(modes(p)).toEqual(['clip', 'connect', 'extend']);
    expect(p.segments[0]).toMatchObject({ frames: 9, sampledFrames: 0, to: { type: 'clip', file: 'a.y4m' } });
    expect(p.segments[1]).toMatchObject({ implicit: true, prompt: RIGHT, frames: 16 + 13 });
    expectContiguous(p);
  });

  it('opens with a keyframe followed straight by a clip: a transition connect from the still image', () => {
    const p = plan([{ type: 'image', file: 'start.png' }, { type: 'clip', file: 'c.y4m' }, text(1)], { 'c.y4m': 17 });
    expect(p.problems).toEqual([]);
    expect(modes(p)).toEqual(['connect', 'extend']);
    expect(p.segments[0]).toMatchObject({ implicit: true, from: { type: 'image', file: 'start.png' }, to: { type: 'clip', file: 'c.y4m' }, startFrame: 0, frames: 1 + 16 + 17 });
    expect(p.keyframes).toEqual([{ card: 0, file: 'start.png', frame: 0 }]);
    expectContiguous(p);
  });

  it('derives a different seed for every segment from the board seed, the same on every plan', () => {
    const cards = [text(2), text(2, UP), text(2)];
    const a = plan(cards);
    expect(a.segments.map((s) => s.seed)).toEqual([42, segmentSeed(42, 1), segmentSeed(42, 2)]);
    expect(new Set(a.segments.map((s) => s.seed)).size).toBe(3);
    expect(plan(cards).segments).toEqual(a.segments);
    expect(plan(cards, {}, { seed: 43 }).segments[1]!.seed).not.toBe(a.segments[1]!.seed);
  });

  it.each([
    ['an aspect the pack lacks', [text(2)], {}, { aspect: '9:16' }, 'aspect', /"9:16" is not offered/],
    ['a keyframe inside a clip', [{ type: 'clip', file: 'c.y4m' }, text(2), { type: 'image', file: 'k.png', at: 1 }], { 'c.y4m': 17 }, {}, 'cards[2].at', /inside the clip of cards\[0\]/],
    ['a keyframe after the end', [text(2), { type: 'image', file: 'k.png', at: 5 }], {}, {}, 'cards[1].at', /after the board's end/],
    ['a keyframe next to a clip', [text(2), { type: 'clip', file: 'c.y4m' }, { type: 'image', file: 'k.png', at: 2 }], { 'c.y4m': 17 }, {}, 'cards[2].at', /another image or clip/],
    ['a clip too short to join', [text(2), { type: 'clip', file: 'c.y4m' }], { 'c.y4m': 2 }, {}, 'cards[1]', /2 frames; joining it needs at least 4/],
    ['a clip never read', [text(2), { type: 'clip', file: 'c.y4m' }], {}, {}, 'cards[1].file', /not known/],
    ['a start with a gap', [text(2), { type: 'text', prompt: UP, seconds: 1, start: 3 }], {}, {}, 'cards[1].start', /without gaps/],
    ['a stretch shorter than an extension', [text(2), text(0.125, UP)], {}, {}, 'cards[1].seconds', /becomes 0.5 s/],
  ])('marks %s as a problem naming the card', (_, cards, clips, extra, path, message) => {
    const p = plan(cards, clips, extra);
    const problem = p.problems.find((x) => x.path === path);
    expect(problem, JSON.stringify(p.problems)).toBeDefined();
    expect(problem!.message).toMatch(message);
    if (problem!.card !== undefined) expect(p.segments.some((s) => s.cards.includes(problem!.card!) && s.problem) || !p.segments.some((s) => s.cards.includes(problem!.card!))).toBe(true);
  });

  it('takes the frame arithmetic from the pack: with 2 frames per latent group an extension adds multiples of 2', () => {
    const pack: PackCapabilities = { ...TINY, frameCounts: [1, 5, 9, 13, 17], temporalCompression: 2 };
    const p = planStoryboard(parseStoryboard({ aspect: '16:9', seed: 1, cards: [text(1), text(0.75, UP)] }), pack);
    expect(p.problems).toEqual([]);
    expect(p.segments.map((s) => [s.mode, s.frames])).toEqual([['text-to-video', 9], ['extend', 6]]);
  });
});
