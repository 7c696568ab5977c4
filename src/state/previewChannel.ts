/**
 * Live previews bypass the store (they are pixel buffers, and the store holds plain data): the
 * actions publish the latest one here and the preview canvas draws it.
 */
import type { PreviewImage } from '../engine/protocol';

type Listener = (preview: PreviewImage | null) => void;

const listeners = new Set<Listener>();
let latest: PreviewImage | null = null;

export function publishPreview(preview: PreviewImage | null): void {
  latest = preview;
  for (const listener of listeners) listener(preview);
}

/** Calls `listener` with the latest preview now and on every new one; returns the unsubscribe. */
export function subscribePreview(listener: Listener): () => void {
  listeners.add(listener);
  listener(latest);
  return () => listeners.delete(listener);
}
