/**
 * The generation modes in the engine's contract (types only, structured-cloneable): what the UI
 * asks for besides text, and where its source media come from.
 */
import type { ModeWithSources } from '../pipeline/videoModes';

/** A file as the user gave it (or as the gallery stored it), decoded in the worker. */
export interface MediaFileInput {
  readonly kind: 'file';
  readonly name: string;
  /** MIME type ('' when unknown). */
  readonly type: string;
  readonly bytes: ArrayBuffer;
}

/** A source clip or image. */
export type MediaInput =
  | MediaFileInput
  /**
   * A result by id: this engine's frames of it at model size when it made it in this session
   * (lossless), else `fallback`, its saved file (a gallery clip from an earlier session).
   */
  | { readonly kind: 'result'; readonly id: string; readonly fallback?: MediaFileInput };

/** The mode the UI asks for, its sources still files or result ids (the CLI's is the same with paths). */
export type ModeRequest = ModeWithSources<MediaInput>;

export type ModeKind = ModeRequest['kind'];
