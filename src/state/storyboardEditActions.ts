/**
 * Editing the storyboard: switch to it, add, move, resize and delete cards, choose a card's source.
 * Module-level functions that update the store; each edit says what it did for screen readers.
 */
import { formatBytes } from '../lib/formatBytes';
import { MAX_UPLOAD_BYTES } from './modeActions';
import type { SourceChoice } from './slices/modeSlice';
import { clampSeconds, formatSeconds, moveCard as moved } from './storyboardCards';
import type { KeyframePin, StoryboardCardDraft, StoryboardCardKind, StoryboardSlice } from './storyboardSlice';
import { useStore } from './store';

const DEFAULT_TEXT_SECONDS = 2;
const KIND_NAMES: Record<StoryboardCardKind, string> = { text: 'Text', image: 'Image', clip: 'Clip' };

/** Shows the single-clip form or the storyboard. */
export function setView(view: StoryboardSlice['view']): void {
  useStore.setState({ view });
}

export function setBoardSettings(patch: Partial<Pick<StoryboardSlice, 'storyboardAspect' | 'storyboardSeed'>>): void {
  useStore.setState(patch);
}

/** Adds a card at the end of the timeline; a new text card starts from the form's prompt. */
export function addCard(kind: StoryboardCardKind): void {
  const id = crypto.randomUUID();
  const card: StoryboardCardDraft =
    kind === 'text'
      ? { id, kind, prompt: useStore.getState().prompt, seconds: DEFAULT_TEXT_SECONDS }
      : kind === 'image'
        ? { id, kind, source: null, pin: 'first', atSeconds: null }
        : { id, kind, source: null, seconds: null };
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

/** Where an image card's keyframe stands; `atSeconds` only for 'at'. */
export function setKeyframePin(id: string, pin: KeyframePin, atSeconds: number | null = null): void {
  updateCard(id, (card) => (card.kind === 'image' ? { ...card, pin, atSeconds: pin === 'at' ? Math.max(0, atSeconds ?? 0) : null } : card));
}

/** An uploaded file as an image or clip card's source (refused over the upload limit, as in the form). */
export function chooseCardUpload(id: string, file: File): void {
  if (file.size > MAX_UPLOAD_BYTES) {
    const message = `“${file.name}” is ${formatBytes(file.size)}; a source may be at most ${formatBytes(MAX_UPLOAD_BYTES)}. Trim or re-encode it, then choose it again.`;
    useStore.setState({ storyboardError: { code: 'bad-settings', field: 'source', message } });
    return;
  }
  setCardSource(id, { kind: 'upload', name: file.name, type: file.type, url: URL.createObjectURL(file) });
}

/** A gallery clip (by id) as a clip or image card's source; its length fills a clip card's duration. */
export function chooseCardGalleryClip(id: string, clipId: string): void {
  const item = useStore.getState().gallery.find((other) => other.entry.id === clipId);
  if (!item) return;
  const { entry } = item;
  setCardSource(id, { kind: 'clip', id: entry.id, label: entry.settings.prompt || entry.fileName }, entry.frames / entry.fps);
}

/** Length of a clip card's upload, once the page has read it (a video element's duration). */
export function setClipSeconds(id: string, seconds: number): void {
  if (Number.isFinite(seconds) && seconds > 0) updateCard(id, (card) => (card.kind === 'clip' ? { ...card, seconds } : card));
}

function setCardSource(id: string, source: SourceChoice, seconds?: number): void {
  const card = useStore.getState().storyboardCards.find((other) => other.id === id);
  if (card) releaseSource(card);
  updateCard(id, (other) => (other.kind === 'image' ? { ...other, source } : other.kind === 'clip' ? { ...other, source, seconds: seconds ?? null } : other));
}

function releaseSource(card: StoryboardCardDraft): void {
  if (card.kind !== 'text' && card.source?.kind === 'upload') URL.revokeObjectURL(card.source.url);
}

function updateCard(id: string, change: (card: StoryboardCardDraft) => StoryboardCardDraft): void {
  useStore.setState((state) => ({ storyboardCards: state.storyboardCards.map((card) => (card.id === id ? change(card) : card)) }));
}
