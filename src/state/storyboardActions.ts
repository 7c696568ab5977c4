/**
 * The storyboard's way into the queue and in and out of files: Render (every card's source read
 * into bytes, the board queued as a job of kind 'storyboard' that the queue renders, keeps in the
 * gallery and shows), Cancel, export and import as JSON, and restoring a board from a video's metadata.
 */
import { EngineError, isEngineError, toEngineError } from '../engine/errors';
import type { MediaInput } from '../engine/protocol';
import { storyboardSummary } from '../queue/storyboardSummary';
import { StoryboardError } from '../storyboard/storyboardError';
import { parseStoryboard } from '../storyboard/storyboardValidator';
import type { Storyboard } from '../storyboard/storyboardTypes';
import { galleryFile } from './galleryActions';
import { showNotice } from './noticeActions';
import { cancelRunningStoryboard, queueStoryboard } from './queueActions';
import type { SourceChoice } from './slices/modeSlice';
import { boardFromDraft, draftFromBoard, judgeBoard, type BoardDraft } from './storyboardBoard';
import { useStore } from './store';

/** The board being edited, in the slice's terms. */
export function currentDraft(): BoardDraft {
  const state = useStore.getState();
  return { aspect: state.storyboardAspect, seed: state.storyboardSeed, steps: state.storyboardSteps, cards: state.storyboardCards };
}

/**
 * Queues the board's render as it stands now: later edits do not touch the queued job. A card
 * without its source is said at once and queues nothing.
 */
export async function renderStoryboard(): Promise<void> {
  const state = useStore.getState();
  if (state.engineStatus !== 'ready' || !state.pack) return;
  const draft = currentDraft();
  try {
    const board = boardFromDraft(draft);
    const media = await cardMedia(draft);
    const settings = storyboardSummary(board, judgeBoard(draft, state.pack).plan.totalFrames, state.pack);
    useStore.setState({ storyboardError: null });
    await queueStoryboard(settings, { board, media, includePromptInFile: state.promptInFile });
  } catch (error) {
    useStore.setState({ storyboardError: (isEngineError(error) ? error : toEngineError(error)).toData() });
  }
}

/** Stops the storyboard render on the engine (its queue job is cancelled); the board is editable again at once. */
export function cancelStoryboard(): void {
  cancelRunningStoryboard();
}

/** Downloads the board as a storyboard JSON file. */
export function exportBoard(): void {
  const json = `${JSON.stringify(boardFromDraft(currentDraft()), null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'storyboard.json';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Reads a storyboard JSON file into the editor; a file that breaks the format is named with its JSON path. */
export async function importBoard(file: File): Promise<void> {
  let board: Storyboard;
  try {
    board = parseStoryboard(JSON.parse(await file.text()));
  } catch (error) {
    const why = error instanceof StoryboardError ? error.message : error instanceof SyntaxError ? `it is not JSON (${error.message})` : String(error);
    useStore.setState({ storyboardError: { code: 'bad-settings', field: 'storyboard', message: `“${file.name}” is not a storyboard Tessera reads: ${why}` } });
    return;
  }
  loadBoard(board);
  showNotice(`Storyboard loaded from “${file.name}”.${waitingFiles()}`);
}

/** Opens a gallery entry's board in the storyboard (checked again: it was read from storage). */
export function openStoredBoard(stored: unknown): void {
  try {
    loadBoard(parseStoryboard(stored));
  } catch (error) {
    showNotice(`That storyboard could not be opened (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/** Puts a checked board into the editor (import, or a video's metadata) and shows the storyboard. */
export function loadBoard(board: Storyboard): void {
  const gallery = new Map(useStore.getState().gallery.map((item) => [item.entry.id, { label: item.entry.settings.prompt || item.entry.fileName, frames: item.entry.frames }]));
  const draft = draftFromBoard(board, gallery, () => crypto.randomUUID());
  for (const card of useStore.getState().storyboardCards) if (card.kind !== 'text' && card.source?.kind === 'upload') URL.revokeObjectURL(card.source.url);
  useStore.setState({
    view: 'storyboard',
    storyboardAspect: draft.aspect,
    storyboardSeed: draft.seed,
    storyboardSteps: draft.steps,
    storyboardCards: draft.cards,
    storyboardError: null,
    storyboardAnnouncement: `Storyboard with ${draft.cards.length} cards loaded.`,
  });
}

/** " Choose key.png and intro.mp4 again." when the board names files that are not at hand. */
export function waitingFiles(): string {
  const names = useStore.getState().storyboardCards.flatMap((card) => (card.kind !== 'text' && !card.source ? [`“${card.file}”`] : []));
  return names.length ? ` Choose ${names.join(', ')} again to render it.` : '';
}

/** Every image and clip card's source as the engine takes it, by the file name the board gives it. */
async function cardMedia(draft: BoardDraft): Promise<Record<string, MediaInput>> {
  const media: Record<string, MediaInput> = {};
  for (const [i, card] of draft.cards.entries()) {
    if (card.kind === 'text' || Object.hasOwn(media, card.file)) continue;
    if (!card.source) throw new EngineError('bad-settings', `Card ${i + 1}: choose ${card.kind === 'image' ? 'an image' : 'a clip'} first${card.file ? ` (the board names “${card.file}”)` : ''}.`, { field: 'source' });
    media[card.file] = await mediaInput(card.source);
  }
  return media;
}

async function mediaInput(source: SourceChoice): Promise<MediaInput> {
  if (source.kind === 'upload') return { kind: 'file', name: source.name, type: source.type, bytes: await (await fetch(source.url)).arrayBuffer() };
  // The engine has the frames of results it made this session; the gallery's file covers the rest.
  const stored = await galleryFile(source.id).catch(() => null);
  const item = useStore.getState().gallery.find((other) => other.entry.id === source.id);
  return {
    kind: 'result',
    id: source.id,
    ...(stored && item ? { fallback: { kind: 'file', name: item.entry.fileName, type: item.entry.mimeType, bytes: await stored.arrayBuffer() } } : {}),
  };
}
