/** The generation mode chosen in the form and its sources (plain data: names and object URLs). */
import type { StateCreator } from 'zustand';
import type { ModeKind } from '../../engine/modeProtocol';
import type { StoreState } from '../store';

/** Where a source comes from: an uploaded file (held as an object URL) or a result/gallery clip by id. */
export type SourceChoice =
  | { readonly kind: 'upload'; readonly name: string; readonly type: string; readonly url: string }
  | { readonly kind: 'clip'; readonly id: string; readonly label: string };

export interface ModeSlice {
  mode: ModeKind;
  extendDirection: 'forward' | 'backward';
  /** Video-to-video strength: 0 keeps the clip, 1 ignores it. */
  strength: number;
  /** The image (image-to-video), the clip (extend, video-to-video) or clip A (connect). */
  sourceA: SourceChoice | null;
  /** Clip B (connect). */
  sourceB: SourceChoice | null;
  /**
   * The expanded caption as the user edited it, with the caption it was edited from: it applies only
   * while the prompt still expands to `base` (a new prompt drops the edit).
   */
  editedCaption: { readonly base: string; readonly text: string } | null;
}

export const createModeSlice: StateCreator<StoreState, [], [], ModeSlice> = () => ({
  mode: 'text',
  extendDirection: 'forward',
  strength: 0.6,
  sourceA: null,
  sourceB: null,
  editedCaption: null,
});
