/**
 * The editor's cards ↔ the storyboard format (src/storyboard/), and the planner's verdict on the
 * board as it stands. Pure: no store, no DOM. A board refers to an image or clip by a file name: an
 * upload's own name (made a valid board file name), or `gallery/<id>` for an item of the gallery.
 */
import { planStoryboard } from '../storyboard/storyboardPlanner';
import type { StoryPlan } from '../storyboard/storyboardPlan';
import { STORYBOARD_FORMAT, STORYBOARD_VERSION, type StoryCard, type Storyboard } from '../storyboard/storyboardTypes';
import type { PackCapabilities } from '../storyboard/packCapabilities';
import type { SourceChoice } from './slices/modeSlice';
import type { StoryboardCardDraft } from './storyboardSlice';

/** An upload's name has no '/', so this prefix names gallery items only. */
const GALLERY_PREFIX = 'gallery/';
/** Longest upload name kept (the format allows 512 characters). */
const MAX_NAME_CHARS = 200;

/** What a board is built from: the storyboard slice's fields. */
export interface BoardDraft {
  readonly aspect: string;
  readonly seed: number;
  readonly steps: number | null;
  readonly cards: readonly StoryboardCardDraft[];
}

/** The name a board gives a source: an upload's file name, or `gallery/<id>`. */
export function sourceFileName(source: SourceChoice): string {
  return source.kind === 'upload' ? source.name : `${GALLERY_PREFIX}${source.id}`;
}

/**
 * An upload's name as the format accepts a file name (storyboardValidator.ts): no slash, backslash
 * or control character, no `name:` that reads as a URL scheme, not "." or "..".
 */
export function boardFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- the characters the format refuses
  const safe = name.replace(/[\u0000-\u001f\u007f\\/:]/g, '_').slice(-MAX_NAME_CHARS);
  return safe === '' || safe === '.' || safe === '..' ? 'file' : safe;
}

/** The gallery id a board's file name refers to, or null for an upload's name. */
export function galleryIdOf(file: string): string | null {
  return file.startsWith(GALLERY_PREFIX) ? file.slice(GALLERY_PREFIX.length) : null;
}

/** The board in the storyboard format (what is exported, rendered and written into the video). */
export function boardFromDraft(draft: BoardDraft): Storyboard {
  const cards = draft.cards.map((card): StoryCard => {
    if (card.kind === 'text') return { type: 'text', prompt: card.prompt, seconds: card.seconds };
    if (card.kind === 'clip') return { type: 'clip', file: card.file };
    return { type: 'image', file: card.file, ...(card.at !== null ? { at: card.at } : {}) };
  });
  return { format: STORYBOARD_FORMAT, version: STORYBOARD_VERSION, aspect: draft.aspect, seed: draft.seed, ...(draft.steps !== null ? { steps: draft.steps } : {}), cards };
}

/**
 * A checked board → editor cards. A `gallery/<id>` file whose item is still in the gallery is
 * chosen again (with its length for a clip); any other file waits for the user to choose it.
 */
export function draftFromBoard(
  board: Storyboard,
  gallery: ReadonlyMap<string, { readonly label: string; readonly frames: number }>,
  newId: () => string,
): BoardDraft {
  const cards = board.cards.map((card): StoryboardCardDraft => {
    const id = newId();
    if (card.type === 'text') return { id, kind: 'text', prompt: card.prompt, seconds: card.seconds };
    const galleryId = galleryIdOf(card.file);
    const item = galleryId === null ? undefined : gallery.get(galleryId);
    const source: SourceChoice | null = item ? { kind: 'clip', id: galleryId!, label: item.label } : null;
    if (card.type === 'clip') return { id, kind: 'clip', file: card.file, source, frames: item?.frames ?? null };
    return { id, kind: 'image', file: card.file, source, at: card.at ?? null };
  });
  return { aspect: board.aspect, seed: board.seed, steps: board.steps ?? null, cards };
}

/** The plan of the board as it stands, and each card's problem by card id (a missing source first). */
export interface BoardVerdict {
  readonly plan: StoryPlan;
  readonly problemsByCard: ReadonlyMap<string, string>;
  /** Problems of the whole board (its aspect, its length). */
  readonly boardProblems: readonly string[];
}

export function judgeBoard(draft: BoardDraft, pack: PackCapabilities): BoardVerdict {
  const clipFrames = new Map(draft.cards.flatMap((card) => (card.kind === 'clip' && card.frames !== null ? [[card.file, card.frames] as const] : [])));
  const plan = planStoryboard(boardFromDraft(draft), pack, clipFrames);
  const problemsByCard = new Map<string, string>();
  draft.cards.forEach((card) => {
    if (card.kind !== 'text' && !card.source) problemsByCard.set(card.id, `Choose ${card.kind === 'image' ? 'an image' : 'a clip'}${card.file ? ` (the board names “${card.file}”)` : ''}.`);
  });
  const boardProblems: string[] = [];
  for (const problem of plan.problems) {
    const card = problem.card === undefined ? undefined : draft.cards[problem.card];
    if (!card) boardProblems.push(problem.message);
    else if (!problemsByCard.has(card.id)) problemsByCard.set(card.id, capitalise(problem.message));
  }
  return { plan, problemsByCard, boardProblems };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
