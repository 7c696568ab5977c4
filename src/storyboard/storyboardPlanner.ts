/**
 * The planner: a checked board and what the pack can do → the segments to render, in order, each
 * one generation mode (docs/storyboard.md, "Planner rules"). Pure and total: whatever the board asks,
 * it returns a plan, and what the pack cannot render as asked is a problem naming its card.
 *
 * - The first stretch is text-to-video; a stretch after frames already made extends them.
 * - A stretch that ends at a keyframe or clip reaches it: by connect from the frames before, or, as
 *   the board's first stretch, by extending the anchor backward.
 * - A board that opens with a keyframe starts with image-to-video from it (or a connect from it
 *   when a clip follows straight away).
 * - A stretch longer than one sampling can make is split into extends (then the connect that
 *   reaches its anchor); the split with the length closest to the asked one, then the fewest
 *   segments, wins.
 */
import {
  backwardOptions,
  choosePieces,
  connectOptions,
  extendOptions,
  imageToVideoOptions,
  textToVideoOptions,
  type PieceOption,
} from './pieceOptions';
import type { PackCapabilities } from './packCapabilities';
import { segmentSeed } from './segmentSeed';
import type { PlanProblem, PlannedKeyframe, PlannedSegment, SegmentAnchor, StoryPlan } from './storyboardPlan';
import { layOutTimeline, type TimelineItem } from './storyboardTimeline';
import { STORYBOARD_LIMITS, type Storyboard } from './storyboardTypes';

type Anchor = TimelineItem & { kind: 'clip' | 'keyframe' };

/**
 * How long a transition the board did not ask for lasts (two anchors side by side). Measured on
 * tessera-tiny (scripts/measure-storyboard.ts, docs/storyboard.md): with the shortest connect (8
 * frames) the DiT changes scene in one jump and the seam into the clip was 13.6–18.9; with 16 frames,
 * 8.7–10.7.
 */
export const IMPLICIT_TRANSITION_SECONDS = 2;

/** The connect length closest to IMPLICIT_TRANSITION_SECONDS (the shorter on a tie); g when the pack has no connect. */
function implicitTransitionFrames(pack: PackCapabilities): number {
  const distance = (frames: number) => Math.abs(frames - IMPLICIT_TRANSITION_SECONDS * pack.fps);
  const lengths = connectOptions(pack, 2)
    .map((o) => o.adds)
    .sort((a, b) => a - b);
  return lengths.reduce((best, n) => (distance(n) < distance(best) ? n : best), lengths[0] ?? pack.temporalCompression);
}

/**
 * Plans `board` for a pack. `clipFrames`: each clip card's file → its length in frames at the
 * pack's rate (as read, after fitting); a clip not in it is a problem.
 */
export function planStoryboard(board: Storyboard, pack: PackCapabilities, clipFrames: ReadonlyMap<string, number> = new Map()): StoryPlan {
  const problems: PlanProblem[] = [];
  const g = pack.temporalCompression;
  const size = Object.hasOwn(pack.sizes, board.aspect) ? pack.sizes[board.aspect] : undefined;
  if (!size) problems.push({ path: 'aspect', message: `${JSON.stringify(board.aspect)} is not offered by this pack; choose one of ${Object.keys(pack.sizes).join(', ')}` });
  const timeline = layOutTimeline(board, pack.fps, clipFrames, implicitTransitionFrames(pack) + 1);
  problems.push(...timeline.problems);
  const { items } = timeline;

  const segments: PlannedSegment[] = [];
  const keyframes: PlannedKeyframe[] = [];
  const startChecked = new Set<number>();
  let story = 0; // frames made so far
  let position = 0; // where the board asks the next item to start, in frames
  let opening: Anchor | undefined; // the keyframe the board opens with, until a segment renders it

  const anchorOf = (item: Anchor): SegmentAnchor => ({ type: item.kind === 'clip' ? 'clip' : 'image', file: item.file, card: item.card });
  const anchorGroups = (item: Anchor) => (item.kind === 'keyframe' ? 2 : Math.floor(item.frames / g));
  const seconds = (frames: number) => `${Math.round((frames / pack.fps) * 1000) / 1000} s`;

  items.forEach((item, i) => {
    checkStart(item, position);
    if (item.kind === 'keyframe' && i === 0) {
      opening = item;
      keyframes.push({ card: item.card, file: item.file, frame: 0 });
      story = 1;
    } else if (item.kind === 'clip' && i === 0) {
      segments.push({ ...bare(segments.length, item.card, ''), mode: 'clip', to: anchorOf(item), startFrame: 0, frames: item.frames });
      story = item.frames;
    } else if (item.kind === 'stretch') {
      planStretch(item, items[i + 1]?.kind === 'stretch' ? undefined : (items[i + 1] as Anchor | undefined));
    }
    position += item.length;
  });
  if (opening) problems.push({ card: opening.card, path: `cards[${opening.card}]`, message: 'an image alone makes no video; put a text card after it' });
  if (segments.length > STORYBOARD_LIMITS.maxSegments) {
    problems.push({ path: 'cards', message: `the board needs ${segments.length} segments, more than the ${STORYBOARD_LIMITS.maxSegments} a plan may hold; shorten it` });
  }
  const problemOf = new Map(problems.filter((p) => p.card !== undefined).map((p) => [p.card!, p.message]));
  return {
    aspect: board.aspect,
    width: size?.width ?? 0,
    height: size?.height ?? 0,
    decodedWidth: (size?.width ?? 0) * (pack.decoderUpscale ?? 1),
    decodedHeight: (size?.height ?? 0) * (pack.decoderUpscale ?? 1),
    fps: pack.fps,
    temporalCompression: g,
    segments: segments.map((s) => (s.problem || !s.cards.some((c) => problemOf.has(c)) ? s : { ...s, problem: problemOf.get(s.cards.find((c) => problemOf.has(c))!)! })),
    keyframes,
    totalFrames: story,
    problems,
  };

  /** A text or clip card's `start`, when given, must be where the card before it ends. */
  function checkStart(item: TimelineItem, at: number): void {
    const card = board.cards[item.card];
    if (!card || card.type === 'image' || card.start === undefined || startChecked.has(item.card) || (item.kind === 'stretch' && item.implicit)) return;
    startChecked.add(item.card);
    if (Math.abs(card.start * pack.fps - at) > 0.5) {
      problems.push({ card: item.card, path: `cards[${item.card}].start`, message: `starts at ${card.start} s, but the card before it ends at ${seconds(at)}; cards follow one another without gaps` });
    }
  }

  function planStretch(item: TimelineItem & { kind: 'stretch' }, end: Anchor | undefined): void {
    const target = Math.round(position + item.length) + (end ? 0 : 1);
    const wanted = target - story;
    const fromStory = Math.floor((story - 1) / g);
    const intoAnchor = end ? anchorGroups(end) : 0;
    const first = story === 0 ? textToVideoOptions(pack) : opening ? imageToVideoOptions(pack) : extendOptions(pack, fromStory);
    const single = !end ? [] : story === 0 ? backwardOptions(pack, intoAnchor) : connectOptions(pack, opening ? intoAnchor : Math.min(fromStory, intoAnchor));
    const pieces = choosePieces(wanted, { first, middle: extendOptions(pack, 2), single, ...(end ? { last: connectOptions(pack, intoAnchor) } : {}) });
    const path = item.implicit ? `cards[${item.card}]` : `cards[${item.card}].seconds`;
    if (!pieces) {
      const why = end?.kind === 'clip' && end.frames < g ? `the clip has ${end.frames} frames; joining it needs at least ${g}` : 'the pack has no clip length that makes it';
      problems.push({ card: end?.card ?? item.card, path: end ? `cards[${end.card}]` : path, message: `cannot be rendered: ${why}` });
      return;
    }
    const made = pieces.reduce((sum, p) => sum + p.adds, 0);
    if (Math.abs(made - wanted) > g / 2) {
      const asked = item.implicit ? 'the transition' : `${seconds(item.length)} of "${item.prompt.slice(0, 40)}"`;
      problems.push({ card: item.card, path, message: `${asked} becomes ${seconds(made)} here: the closest this pack makes (${seconds(wanted)} asked)` });
    }
    pieces.forEach((piece, p) => renderPiece(item, piece, p === pieces.length - 1 ? end : undefined));
  }

  function renderPiece(item: TimelineItem & { kind: 'stretch' }, piece: PieceOption, reaches: Anchor | undefined): void {
    const index = segments.length;
    const opens = opening && story === 1 ? opening : undefined;
    const anchorFrames = reaches ? (reaches.kind === 'clip' ? reaches.frames : 1) : 0;
    const continues = piece.mode === 'extend' || (piece.mode === 'connect' && !opens);
    const needed = continues ? 1 + g * (piece.contextGroups ?? 0) : 0;
    // The story ends in sampled frames (not a keyframe or clip, kept as they are): resample its last group.
    const before = segments[index - 1];
    const resamples = continues && before && before.mode !== 'clip' && !before.to ? g : 0;
    const segment: PlannedSegment = {
      ...bare(index, item.card, item.prompt),
      cards: reaches && reaches.card !== item.card ? [item.card, reaches.card] : [item.card],
      mode: piece.mode,
      sampledFrames: piece.sampled,
      ...(piece.contextGroups ? { contextGroups: piece.contextGroups } : {}),
      ...(opens ? { from: anchorOf(opens) } : {}),
      ...(reaches ? { to: anchorOf(reaches) } : {}),
      ...(resamples ? { resamples } : {}),
      startFrame: story - (opens ? 1 : 0),
      frames: piece.adds + anchorFrames + (opens ? 1 : 0),
      implicit: item.implicit,
      ...(story < needed ? { problem: `needs ${needed} frames before it; the story has ${story}` } : {}),
      ...(piece.mode !== 'text-to-video' && pack.sourceModes === false ? { problem: withoutEncoder(piece.mode) } : {}),
    };
    // A card split into several pieces names the same problem once.
    if (segment.problem && !problems.some((p) => p.card === item.card && p.message === segment.problem)) problems.push({ card: item.card, path: `cards[${item.card}]`, message: segment.problem });
    segments.push(segment);
    if (reaches?.kind === 'keyframe') keyframes.push({ card: reaches.card, file: reaches.file, frame: story + piece.adds });
    story += piece.adds + anchorFrames;
    opening = undefined;
  }

  function bare(index: number, card: number, prompt: string): PlannedSegment {
    return { index, mode: 'clip', cards: [card], prompt, seed: segmentSeed(board.seed, index), sampledFrames: 0, startFrame: story, frames: 0, implicit: false };
  }
}

/** Why a segment that starts from frames cannot be rendered on a pack that cannot encode them. */
function withoutEncoder(mode: string): string {
  return `needs ${mode}, which starts from frames the pack must encode, and this pack has no VAE encoder: a storyboard on it is one text card`;
}
