/**
 * The storyboard being edited and its render: plain data only (sources as names and object URLs,
 * like the mode form's). The board itself is saved, exported and rendered in the storyboard format
 * of src/storyboard/; this slice holds the editable view of it: cards with ids for the UI, and for
 * image and clip cards the `file` name the board refers to them by plus the source chosen for it
 * (an imported board or one restored from a video names its files before they are chosen).
 */
import type { StateCreator } from 'zustand';
import type { EngineErrorData } from '../engine/protocol';
import type { KeyframePlace } from '../storyboard/storyboardTypes';
import type { SourceChoice } from './slices/modeSlice';
import type { StoreState } from './store';

/** Where an image card's keyframe stands: null where it stands in the sequence, a place on the board, or seconds from its start. */
export type KeyframeAt = KeyframePlace | number | null;

export type StoryboardCardDraft =
  /** A prompt for `seconds` of video. */
  | { readonly id: string; readonly kind: 'text'; readonly prompt: string; readonly seconds: number }
  /** A keyframe the video passes through. */
  | { readonly id: string; readonly kind: 'image'; readonly file: string; readonly source: SourceChoice | null; readonly at: KeyframeAt }
  /** A clip used as it is (an upload or a gallery clip); `frames` at the pack's rate, once known. */
  | { readonly id: string; readonly kind: 'clip'; readonly file: string; readonly source: SourceChoice | null; readonly frames: number | null };

export type StoryboardCardKind = StoryboardCardDraft['kind'];

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
  /** Denoising steps per segment; null = the pack's default. */
  storyboardSteps: number | null;
  storyboardCards: readonly StoryboardCardDraft[];
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
  storyboardSteps: null,
  storyboardCards: [],
  storyboardStatus: 'idle',
  storyboardRequestId: null,
  storyboardProgress: null,
  storyboardError: null,
  storyboardAnnouncement: '',
});
