/**
 * Pure edits of the storyboard's card list (no store, no DOM): the timeline's layout (start and
 * duration of each card), moving a card, changing a duration. The actions and tests call these.
 */
import type { StoryboardCardDraft } from './storyboardSlice';

/** Shortest and longest stretch a text card may ask for, in seconds (the planner decides what it gets). */
export const MIN_CARD_SECONDS = 0.5;
export const MAX_CARD_SECONDS = 30;
/** The duration control's step. */
export const CARD_SECONDS_STEP = 0.5;

export interface CardSpan {
  readonly start: number;
  /** 0 for a keyframe: it stands at a point in time. */
  readonly seconds: number;
}

/** Seconds a card takes on the timeline: a text card its duration, a clip its frames at `fps` (0 until known), a keyframe none. */
export function cardSeconds(card: StoryboardCardDraft, fps: number): number {
  if (card.kind === 'text') return card.seconds;
  if (card.kind === 'clip') return (card.frames ?? 0) / fps;
  return 0;
}

/**
 * Where each card starts and how long it lasts, in order. A keyframe stands where it is in the
 * sequence, or at the board's first, middle or last frame, or at its own time.
 */
export function layoutCards(cards: readonly StoryboardCardDraft[], fps: number): CardSpan[] {
  const total = totalSeconds(cards, fps);
  let time = 0;
  return cards.map((card) => {
    const seconds = cardSeconds(card, fps);
    const start = card.kind !== 'image' || card.at === null ? time : card.at === 'first' ? 0 : card.at === 'middle' ? total / 2 : card.at === 'last' ? total : card.at;
    time += seconds;
    return { start, seconds };
  });
}

/** The board's length in seconds, as asked (the plan says what the pack makes of it). */
export function totalSeconds(cards: readonly StoryboardCardDraft[], fps: number): number {
  return cards.reduce((sum, card) => sum + cardSeconds(card, fps), 0);
}

/** The list with the card at `from` moved to `to` (both clamped to the list); the same list when nothing moves. */
export function moveCard<T>(cards: readonly T[], from: number, to: number): readonly T[] {
  const target = Math.max(0, Math.min(cards.length - 1, to));
  if (from < 0 || from >= cards.length || target === from) return cards;
  const next = [...cards];
  const [card] = next.splice(from, 1);
  next.splice(target, 0, card!);
  return next;
}

/** A duration snapped to the control's step and kept within MIN_CARD_SECONDS … MAX_CARD_SECONDS. */
export function clampSeconds(seconds: number): number {
  if (!Number.isFinite(seconds)) return MIN_CARD_SECONDS;
  const snapped = Math.round(seconds / CARD_SECONDS_STEP) * CARD_SECONDS_STEP;
  return Math.max(MIN_CARD_SECONDS, Math.min(MAX_CARD_SECONDS, snapped));
}

/** "2 s", "1.5 s" */
export function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(2))} s`;
}
