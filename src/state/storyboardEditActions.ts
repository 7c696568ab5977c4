/**
 * Editing the storyboard: switch to it, add, move, resize and delete cards, choose a card's source.
 * Module-level functions that update the store; each edit says what it did for screen readers.
 */
import { formatBytes } from '../lib/formatBytes';
import { MAX_UPLOAD_BYTES } from './modeActions';
import type { SourceChoice } from './slices/modeSlice';
import { boardFileName, sourceFileName } from './storyboardBoard';
import { clampSeconds, formatSeconds, moveCard as moved } from './storyboardCards';
import type { KeyframeAt, StoryboardCardDraft, StoryboardCardKind, StoryboardSlice } from './storyboardSlice';
import { useStore } from './store';

const DEFAULT_TEXT_SECONDS = 2;
const KIND_NAMES: Record<StoryboardCardKind, string> = { text: 'Text', image: 'Image', clip: 'Clip' };

/** Shows the single-clip form or the storyboard. */
export function setView(view: StoryboardSlice['view']): void {
  useStore.setState({ view });
}

export function setBoardSettings(patch: Partial<Pick<StoryboardSlice, 'storyboardAspect' | 'storyboardSeed' | 'storyboardSteps'>>): void {
  useStore.setState(patch);
}

/** Adds a card at the end of the timeline; a new text card starts from the form's prompt. */
export function addCard(kind: StoryboardCardKind): void {
  const id = crypto.randomUUID();
  const card: StoryboardCardDraft =
    kind === 'text'
      ? { id, kind, prompt: useStore.getState().prompt, seconds: DEFAULT_TEXT_SECONDS }
      : kind === 'image'
        ? { id, kind, file: '', source: null, at: null }
        : { id, kind, file: '', source: null, frames: null };
  const cards = [...useStore.getState().storyboardCards, card];
  useStore.setState({ storyboardCards: cards, storyboardAnnouncement: `${KIND_NAMES[kind]} card added as card ${cards.length}.` });
}

/** Moves a card to another position (drag and drop, or the move buttons and Alt+Arrow keys). */
export function moveCard(id: string, to: number): void {
  const cards = useStore.getState().storyboardCards;
  const from = cards.findIndex((card) => card.id === id);
  const next = moved(cards, from, to);
  if (next === cards) return;
  const position = next.findIndex((card) => card.id === id);
  useStore.setState({ storyboardCards: next, storyboardAnnouncement: `${KIND_NAMES[cards[from]!.kind]} card moved to position ${position + 1} of ${next.length}.` });
}

export function deleteCard(id: string): void {
  const cards = useStore.getState().storyboardCards;
  const index = cards.findIndex((card) => card.id === id);
  if (index < 0) return;
  releaseSource(cards[index]!);
  useStore.setState({ storyboardCards: cards.filter((card) => card.id !== id), storyboardAnnouncement: `${KIND_NAMES[cards[index]!.kind]} card ${index + 1} deleted.` });
}

/** A text card's duration, snapped to the control's step. */
export function resizeCard(id: string, seconds: number): void {
  const length = clampSeconds(seconds);
  updateCard(id, (card) => (card.kind === 'text' ? { ...card, seconds: length } : card));
  useStore.setState({ storyboardAnnouncement: `Duration ${formatSeconds(length)}.` });
}

export function setCardPrompt(id: string, prompt: string): void {
  updateCard(id, (card) => (card.kind === 'text' ? { ...card, prompt } : card));
}

/** Where an image card's keyframe stands (a time is kept at 0 s or later). */
export function setKeyframeAt(id: string, at: KeyframeAt): void {
  const where = typeof at === 'number' ? (Number.isFinite(at) ? Math.max(0, at) : 0) : at;
  updateCard(id, (card) => (card.kind === 'image' ? { ...card, at: where } : card));
}

/** An uploaded file as an image or clip card's source (refused over the upload limit, as in the form). */
export function chooseCardUpload(id: string, file: File): void {
  if (file.size > MAX_UPLOAD_BYTES) {
    const message = `“${file.name}” is ${formatBytes(file.size)}; a source may be at most ${formatBytes(MAX_UPLOAD_BYTES)}. Trim or re-encode it, then choose it again.`;
    useStore.setState({ storyboardError: { code: 'bad-settings', field: 'source', message } });
    return;
  }
  setCardSource(id, { kind: 'upload', name: uniqueName(id, boardFileName(file.name)), type: file.type, url: URL.createObjectURL(file) });
}

/** The board names sources by file name: a second, different upload of the same name gets a suffix. */
function uniqueName(id: string, name: string): string {
  const taken = new Set(useStore.getState().storyboardCards.flatMap((card) => (card.kind !== 'text' && card.id !== id && card.source ? [card.file] : [])));
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let n = 2;
  while (taken.has(`${stem}-${n}${ext}`)) n++;
  return `${stem}-${n}${ext}`;
}

/** A gallery item (by id) as a clip or image card's source; its length fills a clip card's duration. */
export function chooseCardGalleryItem(id: string, itemId: string): void {
  const item = useStore.getState().gallery.find((other) => other.entry.id === itemId);
  if (!item) return;
  const { entry } = item;
  setCardSource(id, { kind: 'clip', id: entry.id, label: entry.settings.prompt || entry.fileName }, entry.frames);
}

/**
 * Length of a clip card's upload once the page has read its duration: the frames the worker will
 * take at the pack's rate (it reads the exact count when it renders).
 */
export function setClipDuration(id: string, seconds: number): void {
  const fps = useStore.getState().pack?.fps;
  if (fps && Number.isFinite(seconds) && seconds > 0) updateCard(id, (card) => (card.kind === 'clip' ? { ...card, frames: Math.max(1, Math.round(seconds * fps)) } : card));
}

function setCardSource(id: string, source: SourceChoice, frames?: number): void {
  const card = useStore.getState().storyboardCards.find((other) => other.id === id);
  if (card) releaseSource(card);
  const file = sourceFileName(source);
  updateCard(id, (other) => (other.kind === 'image' ? { ...other, file, source } : other.kind === 'clip' ? { ...other, file, source, frames: frames ?? null } : other));
}

function releaseSource(card: StoryboardCardDraft): void {
  if (card.kind !== 'text' && card.source?.kind === 'upload') URL.revokeObjectURL(card.source.url);
}

function updateCard(id: string, change: (card: StoryboardCardDraft) => StoryboardCardDraft): void {
  useStore.setState((state) => ({ storyboardCards: state.storyboardCards.map((card) => (card.id === id ? change(card) : card)) }));
}
