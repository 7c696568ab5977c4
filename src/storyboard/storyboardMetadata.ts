/**
 * The storyboard inside a file's metadata: the provenance record (MP4 `comment` tag, PNG `iTXt`
 * chunk `tessera`, src/safety/provenance.ts) carries the whole board under one field, so opening
 * the file restores the board and re-rendering it with the same seed gives the same frames.
 * docs/storyboard.md names the field for every writer and reader.
 */
import { parseStoryboard } from './storyboardValidator';
import type { Storyboard } from './storyboardTypes';

/** The provenance record's field that holds the board (an object in the storyboard format). */
export const STORYBOARD_METADATA_FIELD = 'storyboard';

/** The prompt a board's file records (and its watermark is keyed to): the text cards' prompts joined with " → ". */
export function storyPrompt(board: Storyboard): string {
  return board.cards.flatMap((card) => (card.type === 'text' ? [card.prompt] : [])).join(' → ');
}

/** `record` with the board added under STORYBOARD_METADATA_FIELD. */
export function withStoryboard<R extends object>(record: R, board: Storyboard): R & { storyboard: Storyboard } {
  return { ...record, [STORYBOARD_METADATA_FIELD]: board } as R & { storyboard: Storyboard };
}

/**
 * The board a parsed provenance record carries; null when it carries none. A board that breaks the
 * format throws StoryboardError as parseStoryboard does (a file is input from anywhere).
 */
export function storyboardFromRecord(record: unknown): Storyboard | null {
  if (typeof record !== 'object' || record === null || !Object.hasOwn(record, STORYBOARD_METADATA_FIELD)) return null;
  return parseStoryboard((record as Record<string, unknown>)[STORYBOARD_METADATA_FIELD]);
}
