/**
 * The storyboard being edited and its render: plain data only (sources as names and object URLs,
 * like the mode form's). The board itself is saved, exported and rendered in the storyboard format
 * of src/storyboard/; this slice holds the editable view of it (cards with ids for the UI).
 */
import type { StateCreator } from 'zustand';
import type { EngineErrorData } from '../engine/protocol';
import type { SourceChoice } from './slices/modeSlice';
import type { StoreState } from './store';

/** Where an image card's keyframe stands in the stretch it pins: its first, middle or last frame, or a time. */
export type KeyframePin = 'first' | 'middle' | 'last' | 'at';

export type StoryboardCardDraft =
  /** A prompt for `seconds` of video. */
  | { readonly id: string; readonly kind: 'text'; readonly prompt: string; readonly seconds: number }
  /** A keyframe: `pin` says where; `atSeconds` is the board time when `pin` is 'at'. */
  | { readonly id: string; readonly kind: 'image'; readonly source: SourceChoice | null; readonly pin: KeyframePin; readonly atSeconds: number | null }
  /** A clip used as it is (an upload or a gallery clip); `seconds` is its length once known. */
  | { readonly id: string; readonly kind: 'clip'; readonly source: SourceChoice | null; readonly seconds: number | null };

export type StoryboardCardKind = StoryboardCardDraft['kind'];

/** What the planner says about a card the pack cannot render as asked. */
export interface StoryboardIssue {
  readonly cardId: string;
  readonly reason: string;
}

export interface StoryboardSegmentProgress {
  /** 0-based segment index of `total` segments. */
  readonly segment: number;
  readonly total: number;
  /** What the segment does, e.g. "extend: a red circle moving up". */
  readonly label: string;
  readonly step: number;
  readonly steps: number;
}

export interface StoryboardSlice {
  /** Which editor the page shows: the single-clip form or the storyboard. */
  view: 'form' | 'storyboard';
  storyboardAspect: string;
  storyboardSeed: number;
  storyboardCards: readonly StoryboardCardDraft[];
  /** The planner's verdict on the board as it stands (empty = every card renders as asked). */
  storyboardIssues: readonly StoryboardIssue[];
  storyboardStatus: 'idle' | 'running';
  storyboardRequestId: string | null;
  storyboardProgress: StoryboardSegmentProgress | null;
  storyboardError: EngineErrorData | null;
  /** A short line for screen readers after a reorder, resize or delete ("Card 2 moved to position 1"). */
  storyboardAnnouncement: string;
}

export const createStoryboardSlice: StateCreator<StoreState, [], [], StoryboardSlice> = () => ({
  view: 'form',
  storyboardAspect: '16:9',
  storyboardSeed: 42,
  storyboardCards: [],
  storyboardIssues: [],
  storyboardStatus: 'idle',
  storyboardRequestId: null,
  storyboardProgress: null,
  storyboardError: null,
  storyboardAnnouncement: '',
});
