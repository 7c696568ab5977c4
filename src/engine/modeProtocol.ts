/**
 * The generation modes in the engine's contract (types only, structured-cloneable): what the UI
 * asks for besides text, and where its source media come from.
 */

/** A source clip or image. */
export type MediaInput =
  /** An uploaded file (or a gallery clip's stored file): decoded in the worker. `bytes` is transferred. */
  | { readonly kind: 'file'; readonly name: string; readonly type: string; readonly bytes: ArrayBuffer }
  /** A result this engine made in this session, by its id: its frames at model size, lossless. */
  | { readonly kind: 'result'; readonly id: string };

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
