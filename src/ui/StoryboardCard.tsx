/**
 * One card of the storyboard timeline: its kind, start and duration, its content (prompt, keyframe
 * image, clip), the planner's reason when the pack cannot render it as asked, and move/delete.
 * Alt+ArrowLeft/Right moves the focused card; the buttons do the same for pointer and screen-reader users.
 */
import type { DragEvent, KeyboardEvent } from 'react';
import { CARD_SECONDS_STEP, formatSeconds, MAX_CARD_SECONDS, MIN_CARD_SECONDS, type CardSpan } from '../state/storyboardCards';
import { chooseCardGalleryItem, chooseCardUpload, deleteCard, moveCard, resizeCard, setCardPrompt, setClipDuration, setKeyframeAt } from '../state/storyboardEditActions';
import type { KeyframeAt, StoryboardCardDraft } from '../state/storyboardSlice';
import { useStore } from '../state/store';

const IMAGE_TYPES = 'image/png,image/jpeg,image/webp,.png,.jpg,.jpeg,.webp';
const CLIP_TYPES = 'video/mp4,.mp4,.y4m,video/webm,.webm';
/** The keyframe's place, as the select's values: '' where it stands, a place, or 'time'. */
const PLACES = [
  { value: '', label: 'Where it stands' },
  { value: 'first', label: 'First frame' },
  { value: 'middle', label: 'Middle frame' },
  { value: 'last', label: 'Last frame' },
  { value: 'time', label: 'At a time' },
] as const;
const placeValue = (at: KeyframeAt) => (at === null ? '' : typeof at === 'number' ? 'time' : at);
/** Seconds of timeline per pixel of card width: wide enough to read, short cards still fit their controls. */
const PIXELS_PER_SECOND = 60;
const MIN_CARD_WIDTH = 190;

interface Props {
  readonly card: StoryboardCardDraft;
  readonly index: number;
  readonly count: number;
  readonly span: CardSpan;
  readonly issue: string | null;
  readonly disabled: boolean;
  readonly onDragStart: (index: number) => void;
  readonly onDrop: (index: number) => void;
}

export function StoryboardCard({ card, index, count, span, issue, disabled, onDragStart, onDrop }: Props) {
  const name = `Card ${index + 1}, ${card.kind}`;
  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.altKey || disabled || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
    event.preventDefault();
    moveCard(card.id, index + (event.key === 'ArrowLeft' ? -1 : 1));
    // The card keeps focus at its new place, so repeated Alt+Arrow keeps moving it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-card-id="${card.id}"]`)?.focus());
  };
  const width = Math.max(MIN_CARD_WIDTH, span.seconds * PIXELS_PER_SECOND);
  const issueId = `card-issue-${card.id}`;
  return (
    <li
      className={`story-card story-${card.kind}`}
      style={{ width }}
      data-card-id={card.id}
      tabIndex={0}
      aria-label={name}
      aria-describedby={issue ? issueId : undefined}
      aria-invalid={issue ? true : undefined}
      draggable={!disabled}
      onKeyDown={onKeyDown}
      onDragStart={(event: DragEvent) => {
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', card.id);
        onDragStart(index);
      }}
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        onDrop(index);
      }}
    >
      <div className="story-card-head">
        <strong>{card.kind === 'text' ? 'Text' : card.kind === 'image' ? 'Keyframe' : 'Clip'}</strong>
        <span className="hint" data-testid="card-time">
          {formatSeconds(span.start)}
          {span.seconds > 0 ? ` · ${formatSeconds(span.seconds)}` : ''}
        </span>
      </div>
      <CardBody card={card} disabled={disabled} />
      {issue && (
        <p className="story-issue" id={issueId} role="note">
          {issue}
        </p>
      )}
      <div className="card-actions">
        <button type="button" onClick={() => moveCard(card.id, index - 1)} disabled={disabled || index === 0} aria-label={`Move card ${index + 1} earlier`} title="Alt+←">
          ←
        </button>
        <button type="button" onClick={() => moveCard(card.id, index + 1)} disabled={disabled || index === count - 1} aria-label={`Move card ${index + 1} later`} title="Alt+→">
          →
        </button>
        <button type="button" onClick={() => deleteCard(card.id)} disabled={disabled} aria-label={`Delete card ${index + 1}`}>
          Delete
        </button>
      </div>
    </li>
  );
}

function CardBody({ card, disabled }: { card: StoryboardCardDraft; disabled: boolean }) {
  const promptId = `card-prompt-${card.id}`;
  const secondsId = `card-seconds-${card.id}`;
  if (card.kind === 'text') {
    return (
      <>
        <label htmlFor={promptId}>Prompt</label>
        <textarea id={promptId} rows={3} value={card.prompt} disabled={disabled} onChange={(e) => setCardPrompt(card.id, e.target.value)} />
        <label htmlFor={secondsId}>Duration (seconds)</label>
        <input
          id={secondsId}
          type="number"
          min={MIN_CARD_SECONDS}
          max={MAX_CARD_SECONDS}
          step={CARD_SECONDS_STEP}
          value={card.seconds}
          disabled={disabled}
          onChange={(e) => resizeCard(card.id, e.target.valueAsNumber)}
        />
      </>
    );
  }
  if (card.kind === 'image') return <KeyframeBody card={card} disabled={disabled} />;
  return <SourceBody card={card} accept={CLIP_TYPES} label="Clip" disabled={disabled} />;
}

function KeyframeBody({ card, disabled }: { card: Extract<StoryboardCardDraft, { kind: 'image' }>; disabled: boolean }) {
  const placeId = `card-place-${card.id}`;
  const timeId = `card-time-${card.id}`;
  const choose = (value: string) => setKeyframeAt(card.id, value === '' ? null : value === 'time' ? 0 : (value as 'first' | 'middle' | 'last'));
  return (
    <>
      <SourceBody card={card} accept={IMAGE_TYPES} label="Image" disabled={disabled} />
      <label htmlFor={placeId}>Keyframe at</label>
      <select id={placeId} value={placeValue(card.at)} disabled={disabled} onChange={(e) => choose(e.target.value)}>
        {PLACES.map((place) => (
          <option key={place.value} value={place.value}>
            {place.label}
          </option>
        ))}
      </select>
      {typeof card.at === 'number' && (
        <>
          <label htmlFor={timeId}>Time (seconds)</label>
          <input id={timeId} type="number" min={0} step={CARD_SECONDS_STEP} value={card.at} disabled={disabled} onChange={(e) => setKeyframeAt(card.id, e.target.valueAsNumber)} />
        </>
      )}
    </>
  );
}

/** An upload, or (clip cards) a gallery clip; the chosen source is named under it. */
function SourceBody({ card, accept, label, disabled }: { card: Extract<StoryboardCardDraft, { kind: 'image' | 'clip' }>; accept: string; label: string; disabled: boolean }) {
  const gallery = useStore((s) => s.gallery);
  const fileId = `card-file-${card.id}`;
  const galleryId = `card-gallery-${card.id}`;
  const source = card.source;
  // A clip card takes the gallery's videos; a keyframe its images and videos (their first frame).
  const items = gallery.filter((item) => card.kind === 'image' || item.entry.kind === 'video');
  return (
    <>
      <label htmlFor={fileId}>{label}</label>
      <input
        id={fileId}
        type="file"
        accept={accept}
        disabled={disabled}
        aria-invalid={!source || undefined}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) chooseCardUpload(card.id, file);
          e.target.value = '';
        }}
      />
      {items.length > 0 && (
        <>
          <label htmlFor={galleryId}>Or from the gallery</label>
          <select id={galleryId} value={source?.kind === 'clip' ? source.id : ''} disabled={disabled} onChange={(e) => e.target.value && chooseCardGalleryItem(card.id, e.target.value)}>
            <option value="">—</option>
            {items.map((item) => (
              <option key={item.entry.id} value={item.entry.id}>
                {item.entry.settings.prompt || item.entry.fileName} (seed {item.entry.settings.seed})
              </option>
            ))}
          </select>
        </>
      )}
      <p className="hint" data-testid="card-source">
        {source ? `Using: ${source.kind === 'upload' ? source.name : source.label}` : card.file ? `The board names “${card.file}”: choose it.` : 'Nothing chosen yet.'}
      </p>
      {card.kind === 'clip' && source?.kind === 'upload' && card.frames === null && (
        // The upload's length fills the card's duration once the browser has read its header.
        <video hidden muted preload="metadata" src={source.url} onLoadedMetadata={(e) => setClipDuration(card.id, e.currentTarget.duration)} />
      )}
      {card.kind === 'image' && source?.kind === 'upload' && <img className="story-thumb" src={source.url} alt={`Keyframe: ${source.name}`} />}
    </>
  );
}
