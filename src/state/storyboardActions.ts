/**
 * The storyboard's render and its way in and out: Render (every card's source read into bytes, the
 * board rendered by the engine with progress per segment, the MP4 kept in the gallery before it is
 * shown), Cancel, export and import as JSON, and restoring a board from a video's metadata.
 */
import { EngineError, isEngineError, toEngineError } from '../engine/errors';
import type { EngineProgress, GenerateResult, MediaInput, StoryboardSegmentEvent } from '../engine/protocol';
import { StoryboardError } from '../storyboard/storyboardError';
import { parseStoryboard } from '../storyboard/storyboardValidator';
import type { Storyboard } from '../storyboard/storyboardTypes';
import { backendLabel, renderStoryboardOnEngine, showResult } from './actions';
import { galleryFile, keepInGallery } from './galleryActions';
import { showNotice } from './noticeActions';
import { publishPreview } from './previewChannel';
import type { SourceChoice } from './slices/modeSlice';
import { boardFromDraft, draftFromBoard, type BoardDraft } from './storyboardBoard';
import type { StoryboardSegmentProgress } from './storyboardSlice';
import { useStore } from './store';

/** Store updates from progress at most this often, as for a single generation. */
const PROGRESS_INTERVAL_MS = 100;
const SEGMENT_LABELS: Record<StoryboardSegmentEvent['mode'], string> = {
  'text-to-video': 'text to video',
  'image-to-video': 'from the keyframe',
  extend: 'continues',
  'extend-backward': 'leads into the keyframe',
  connect: 'joins',
  clip: 'clip as it is',
};

let controller: AbortController | null = null;

/** The board being edited, in the slice's terms. */
export function currentDraft(): BoardDraft {
  const state = useStore.getState();
  return { aspect: state.storyboardAspect, seed: state.storyboardSeed, steps: state.storyboardSteps, cards: state.storyboardCards };
}

/** Renders the board into one MP4, kept in the gallery and shown in the result panel. */
export async function renderStoryboard(): Promise<void> {
  const state = useStore.getState();
  if (state.engineStatus !== 'ready' || state.status === 'running' || state.storyboardStatus === 'running') return;
  const id = crypto.randomUUID();
  controller = new AbortController();
  publishPreview(null);
  useStore.setState({ storyboardStatus: 'running', storyboardRequestId: id, storyboardError: null, storyboardProgress: null });
  const current = () => useStore.getState().storyboardRequestId === id;
  try {
    const draft = currentDraft();
    const board = boardFromDraft(draft);
    const media = await cardMedia(draft);
    let lastUpdate = 0;
    const onProgress = (progress: EngineProgress) => {
      const shown = useStore.getState().storyboardProgress;
      if (!current() || !shown || progress.stage !== 'denoise') return;
      const now = performance.now();
      if (now - lastUpdate < PROGRESS_INTERVAL_MS && progress.step !== progress.total) return;
      lastUpdate = now;
      useStore.setState({ storyboardProgress: { ...shown, step: progress.step, steps: progress.total } });
    };
    const onSegment = (segment: StoryboardSegmentEvent) => current() && useStore.setState({ storyboardProgress: segmentProgress(segment) });
    const result = await renderStoryboardOnEngine(
      { id, board, media, includePromptInFile: state.promptInFile },
      { onProgress, onSegment, onPreview: (preview) => current() && publishPreview(preview) },
      controller.signal,
    );
    if (!current()) return;
    await keepAndShow(result);
  } catch (error) {
    if (!current()) return;
    const data = (isEngineError(error) ? error : toEngineError(error)).toData();
    useStore.setState({ storyboardStatus: 'idle', storyboardRequestId: null, storyboardProgress: null, storyboardError: data.code === 'aborted' ? null : data });
  }
}

/** Stops the render; the board is editable again at once. */
export function cancelStoryboard(): void {
  controller?.abort();
  controller = null;
  publishPreview(null);
  useStore.setState({ storyboardStatus: 'idle', storyboardRequestId: null, storyboardProgress: null });
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

async function keepAndShow(result: GenerateResult): Promise<void> {
  const label = backendLabel(result.backend);
  const file = new Blob([result.file.bytes], { type: result.file.mimeType });
  // In the gallery before it is shown as done, as every result is.
  const failure = await keepInGallery(result, file, label);
  if (failure) showNotice(failure);
  showResult(result);
  useStore.setState({ storyboardStatus: 'idle', storyboardRequestId: null, storyboardProgress: null });
  if (result.seams) {
    const { ratio, meanSeam, meanGroupStep } = result.seams;
    useStore.setState({ storyboardAnnouncement: `Rendered ${result.frames} frames. Seams ${meanSeam.toFixed(1)} against the clip's own ${meanGroupStep.toFixed(1)} (${ratio.toFixed(2)}×).` });
  }
}

function segmentProgress(segment: StoryboardSegmentEvent): StoryboardSegmentProgress {
  const prompt = segment.prompt ? `: ${segment.prompt.length > 40 ? `${segment.prompt.slice(0, 39)}…` : segment.prompt}` : '';
  return { segment: segment.index, total: segment.total, label: `${SEGMENT_LABELS[segment.mode]}${prompt}`, step: 0, steps: segment.steps };
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
