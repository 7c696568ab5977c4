/**
 * The generation modes in the engine's contract (types only, structured-cloneable): what the UI
 * asks for besides text, and where its source media come from.
 */

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

export type ModeRequest =
  | { readonly kind: 'text' }
  /** Animate an image (of a clip, its first frame). */
  | { readonly kind: 'image-to-video'; readonly image: MediaInput }
  | { readonly kind: 'extend'; readonly clip: MediaInput; readonly direction: 'forward' | 'backward' }
  /** 0 keeps the clip, 1 ignores it. */
  | { readonly kind: 'video-to-video'; readonly clip: MediaInput; readonly strength: number }
  | { readonly kind: 'loop' }
  | { readonly kind: 'connect'; readonly first: MediaInput; readonly second: MediaInput };

export type ModeKind = ModeRequest['kind'];
