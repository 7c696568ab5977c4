/**
 * Which of a job's sources survive a reload. Uploads are stored as bytes; a result chosen with "Use
 * the current result" carries its saved file too. A result id without that file names frames that
 * only this tab's engine holds: the job runs now, but after a reload it cannot find its source.
 */
import type { MediaInput, ModeRequest } from '../engine/protocol';

function sources(mode: ModeRequest): MediaInput[] {
  switch (mode.kind) {
    case 'text':
    case 'loop':
      return [];
    case 'image-to-video':
      return [mode.image];
    case 'extend':
    case 'video-to-video':
      return [mode.clip];
    case 'connect':
      return [mode.first, mode.second];
  }
}

/** What the job should say about a source a reload would lose, or null when every source is stored. */
export function unstoredSourceNote(mode: ModeRequest): string | null {
  return unstoredNote(sources(mode));
}

/** The same for a storyboard's image and clip cards. */
export function unstoredBoardNote(media: Readonly<Record<string, MediaInput>>): string | null {
  return unstoredNote(Object.values(media));
}

function unstoredNote(inputs: readonly MediaInput[]): string | null {
  const lost = inputs.filter((source) => source.kind === 'result' && source.fallback === undefined);
  if (lost.length === 0) return null;
  return 'Its source clip is held only by this tab (its file was not at hand to store): if the page reloads before this job runs, it cannot run.';
}
