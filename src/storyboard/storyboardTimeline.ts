/**
 * A board's cards laid out on a line of frame positions, before any mode is chosen. A position is
 * a story frame: a text card of s seconds spans s·fps positions; a clip of M frames occupies M
 * positions (M − 1 steps from its first frame to its last); a keyframe is one point. A stretch that
 * ends at a keyframe or clip leaves the position it ends at to that anchor.
 *
 * 1. Cards in their order; an image card without `at` is a keyframe where it stands.
 * 2. Between two anchors (keyframes or clips) with no text between them, a transition stretch
 *    (IMPLICIT_TRANSITION_SECONDS, storyboardPlanner.ts), with the prompt of the nearest text card (the one before, else
 *    after): the issue's minimal board puts a clip straight after a keyframe.
 * 3. Image cards with `at`: placed at that time, splitting a text stretch in two (same prompt); one
 *    at a clip, at a transition or next to another anchor is a problem.
 */
import type { PlanProblem } from './storyboardPlan';
import type { Storyboard } from './storyboardTypes';

export type TimelineItem =
  /** Frames to generate from `prompt`; `implicit` for a transition the board did not ask for. */
  | { readonly kind: 'stretch'; readonly prompt: string; readonly card: number; readonly length: number; readonly implicit: boolean }
  | { readonly kind: 'clip'; readonly file: string; readonly card: number; readonly frames: number; readonly length: number }
  | { readonly kind: 'keyframe'; readonly file: string; readonly card: number; readonly length: 0 };

export interface Timeline {
  readonly items: readonly TimelineItem[];
  readonly problems: readonly PlanProblem[];
}

const isAnchor = (item: TimelineItem | undefined) => item !== undefined && item.kind !== 'stretch';

/**
 * `clipFrames`: each clip file's length in frames at the pack's rate; `transitionLength`: the
 * positions an implicit transition takes (the shortest connect's new frames + 1).
 */
export function layOutTimeline(board: Storyboard, fps: number, clipFrames: ReadonlyMap<string, number>, transitionLength: number): Timeline {
  const problems: PlanProblem[] = [];
  // 1. Cards in order
  const items: TimelineItem[] = [];
  board.cards.forEach((card, i) => {
    if (card.type === 'text') items.push({ kind: 'stretch', prompt: card.prompt, card: i, length: card.seconds * fps, implicit: false });
    else if (card.type === 'clip') {
      const frames = clipFrames.get(card.file);
      if (frames === undefined) problems.push({ card: i, path: `cards[${i}].file`, message: `the length of ${card.file} is not known: the file was not read` });
      items.push({ kind: 'clip', file: card.file, card: i, frames: frames ?? 0, length: Math.max(0, (frames ?? 1) - 1) });
    } else if (card.at === undefined) items.push({ kind: 'keyframe', file: card.file, card: i, length: 0 });
  });
  // 2. Transitions between neighbouring anchors
  const texts = board.cards.flatMap((c, j) => (c.type === 'text' ? [{ j, prompt: c.prompt }] : []));
  const nearestPrompt = (card: number) => ([...texts].reverse().find((t) => t.j < card) ?? texts.find((t) => t.j > card))?.prompt ?? '';
  for (let i = 1; i < items.length; i++) {
    if (isAnchor(items[i - 1]) && isAnchor(items[i])) {
      const card = items[i]!.card;
      items.splice(i, 0, { kind: 'stretch', prompt: nearestPrompt(card), card, length: transitionLength, implicit: true });
    }
  }
  // 3. Timed keyframes
  board.cards.forEach((card, i) => {
    if (card.type !== 'image' || card.at === undefined) return;
    const total = items.reduce((sum, item) => sum + item.length, 0);
    const at = card.at === 'first' ? 0 : card.at === 'last' ? total : card.at === 'middle' ? total / 2 : card.at * fps;
    const problem = placeKeyframe(items, { kind: 'keyframe', file: card.file, card: i, length: 0 }, Math.round(at), total, fps);
    if (problem) problems.push({ card: i, path: `cards[${i}].at`, message: problem });
  });
  return { items, problems };
}

/** Inserts `keyframe` at position `at` (a whole frame); returns why it cannot stand there, if so. */
function placeKeyframe(items: TimelineItem[], keyframe: TimelineItem & { kind: 'keyframe' }, at: number, total: number, fps: number): string | undefined {
  const seconds = (frames: number) => `${Math.round((frames / fps) * 1000) / 1000} s`;
  if (at > Math.round(total)) return `${seconds(at)} is after the board's end (${seconds(total)})`;
  let start = 0;
  for (let i = 0; i <= items.length; i++) {
    const item = items[i];
    const end = start + (item?.length ?? 0);
    if (Math.round(start) === at) {
      if (isAnchor(items[i - 1]) || isAnchor(item)) {
        return `${seconds(at)} is where another image or clip stands (cards[${(isAnchor(item) ? item : items[i - 1])!.card}]); move it into a text card's time`;
      }
      items.splice(i, 0, keyframe);
      return undefined;
    }
    if (item && at > Math.round(start) && at < Math.round(end)) {
      if (item.kind !== 'stretch' || item.implicit) return `${seconds(at)} falls inside ${item.kind === 'clip' ? `the clip of cards[${item.card}], which is used as it is` : `the transition into cards[${item.card}]`}`;
      const before = at - start;
      items.splice(i, 1, { ...item, length: before }, keyframe, { ...item, length: item.length - before });
      return undefined;
    }
    start = end;
  }
  return `${seconds(at)} could not be placed`;
}
