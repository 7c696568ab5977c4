/** What the gallery keeps of every generated clip or image: plain data, beside its file and thumbnail. */
import type { GenerateSettings, StageTimings } from '../engine/protocol';
import type { Storyboard } from '../storyboard/storyboardTypes';

export interface GalleryEntry {
  readonly id: string;
  readonly kind: 'video' | 'image';
  /** ISO 8601 time the clip was made. */
  readonly createdAt: string;
  readonly settings: GenerateSettings;
  /** The caption the model read. */
  readonly expandedPrompt: string;
  readonly packName: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly codec: string | null;
  /** Output pixels. */
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  readonly backendLabel: string;
  readonly timings: StageTimings;
  readonly fileBytes: number;
  readonly thumbnailBytes: number;
  /** A storyboard's render: its board, so the gallery opens it in the storyboard instead of generating one clip again. */
  readonly storyboard?: Storyboard;
}

/** One stored entry: its data and a small still for the grid (null when none could be made). */
export interface StoredClip {
  readonly entry: GalleryEntry;
  readonly thumbnail: Blob | null;
}
