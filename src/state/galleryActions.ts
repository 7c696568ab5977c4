/**
 * The gallery's actions: load it at start-up, keep every result, play, delete with undo. Module-level
 * functions that read and update the store; Blobs stay in IndexedDB and in these functions, the store
 * gets object URLs.
 */
import type { GenerateResult } from '../engine/protocol';
import { GalleryDb } from '../gallery/galleryDb';
import type { GalleryEntry, StoredClip } from '../gallery/galleryTypes';
import { idbGalleryBackend } from '../gallery/idbGalleryBackend';
import { makeThumbnail } from '../gallery/thumbnail';
import type { GalleryItem } from './slices/gallerySlice';
import { useStore } from './store';

/** How long "Undo" is offered after a delete. */
const UNDO_MS = 10_000;

let db: GalleryDb | null = null;
let undoTimer: ReturnType<typeof setTimeout> | undefined;

function gallery(): GalleryDb {
  if (typeof indexedDB === 'undefined') throw new Error('this browser offers no IndexedDB');
  db ??= new GalleryDb(idbGalleryBackend());
  return db;
}

/** Reads the stored clips (after removing what earlier sessions left half-written or deleted). */
export async function loadGallery(): Promise<void> {
  try {
    const store = gallery();
    await store.collectGarbage().catch(() => 0);
    const clips = await store.list();
    for (const item of useStore.getState().gallery) revokeItem(item);
    useStore.setState({ gallery: clips.map(toItem), galleryStatus: 'ready' });
  } catch (error) {
    useStore.setState({ galleryStatus: 'unavailable', galleryError: `The gallery cannot be opened (${errorText(error)}); clips can still be downloaded.` });
  }
}

/**
 * Keeps a new result with its file and thumbnail; a failed write leaves the gallery as it was.
 * Resolves once the clip is stored, with null, or with why it could not be kept.
 */
export async function keepInGallery(result: GenerateResult, file: Blob, backendLabel: string): Promise<string | null> {
  const entry: GalleryEntry = {
    id: result.id,
    kind: result.kind,
    createdAt: new Date().toISOString(),
    settings: result.settings,
    expandedPrompt: result.expandedPrompt,
    packName: result.packName,
    fileName: result.file.fileName,
    mimeType: result.file.mimeType,
    codec: result.file.codec ?? null,
    width: result.width,
    height: result.height,
    frames: result.frames,
    fps: result.fps,
    backendLabel,
    timings: result.timings,
    fileBytes: file.size,
    thumbnailBytes: 0,
    ...(result.storyboard ? { storyboard: result.storyboard } : {}),
  };
  try {
    const thumbnail = await makeThumbnail(file, result.kind);
    const stored: StoredClip = { entry: { ...entry, thumbnailBytes: thumbnail?.size ?? 0 }, thumbnail };
    await gallery().add(stored.entry, file, thumbnail);
    const item = toItem(stored);
    useStore.setState((state) => ({ gallery: [item, ...state.gallery.filter((other) => other.entry.id !== entry.id)], galleryError: null }));
    void navigator.storage?.persist?.().catch(() => false);
    return null;
  } catch (error) {
    const reason = keepFailure(error);
    useStore.setState({ galleryError: reason });
    return reason;
  }
}

/** The stored file of a clip, or null when it is gone. */
export async function galleryFile(id: string): Promise<Blob | null> {
  return gallery().file(id);
}

/** Shows a stored clip in the result panel. */
export async function playClip(id: string): Promise<void> {
  const item = useStore.getState().gallery.find((other) => other.entry.id === id);
  const file = item ? await galleryFile(id).catch(() => null) : null;
  if (!item || !file) {
    useStore.setState({ galleryError: 'That clip could not be read from the gallery.' });
    return;
  }
  const { entry } = item;
  const previous = useStore.getState().result;
  if (previous) URL.revokeObjectURL(previous.url);
  useStore.setState({
    result: {
      id: entry.id,
      kind: entry.kind,
      url: URL.createObjectURL(file),
      fileName: entry.fileName,
      mimeType: entry.mimeType,
      codec: entry.codec,
      bytes: entry.fileBytes,
      settings: entry.settings,
      expandedPrompt: entry.expandedPrompt,
      width: entry.width,
      height: entry.height,
      frames: entry.frames,
      fps: entry.fps,
      packName: entry.packName,
      backendLabel: entry.backendLabel,
      timings: entry.timings,
    },
  });
}

/** Takes a clip out of the gallery; "Undo" brings it back for `UNDO_MS`, then its data is deleted. */
export async function deleteClip(id: string): Promise<void> {
  const item = useStore.getState().gallery.find((other) => other.entry.id === id);
  if (!item) return;
  finishPendingDelete();
  try {
    const position = await gallery().hide(id);
    useStore.setState((state) => ({ gallery: state.gallery.filter((other) => other.entry.id !== id), galleryUndo: { item, position } }));
    undoTimer = setTimeout(finishPendingDelete, UNDO_MS);
  } catch (error) {
    useStore.setState({ galleryError: `That clip could not be deleted (${errorText(error)}).` });
  }
}

/** Brings back the clip deleted last. */
export async function undoDelete(): Promise<void> {
  const pending = useStore.getState().galleryUndo;
  if (!pending) return;
  clearTimeout(undoTimer);
  useStore.setState({ galleryUndo: null });
  try {
    await gallery().unhide(pending.item.entry.id, pending.position);
    useStore.setState((state) => {
      const items = state.gallery.filter((other) => other.entry.id !== pending.item.entry.id);
      items.splice(Math.min(pending.position, items.length), 0, pending.item);
      return { gallery: items };
    });
  } catch (error) {
    revokeItem(pending.item);
    useStore.setState({ galleryError: `That clip could not be brought back (${errorText(error)}).` });
  }
}

/** Ends the undo offer: the deleted clip's data goes. */
function finishPendingDelete(): void {
  clearTimeout(undoTimer);
  const pending = useStore.getState().galleryUndo;
  if (!pending) return;
  useStore.setState({ galleryUndo: null });
  revokeItem(pending.item);
  void gallery()
    .purge(pending.item.entry.id)
    .catch(() => undefined);
}

export function dismissGalleryError(): void {
  useStore.setState({ galleryError: null });
}

function toItem(clip: StoredClip): GalleryItem {
  return { entry: clip.entry, thumbnailUrl: clip.thumbnail ? URL.createObjectURL(clip.thumbnail) : null };
}

function revokeItem(item: GalleryItem): void {
  if (item.thumbnailUrl) URL.revokeObjectURL(item.thumbnailUrl);
}

function keepFailure(error: unknown): string {
  if ((error as { name?: string } | null)?.name === 'QuotaExceededError') {
    return 'This clip could not be kept in the gallery: the storage for this site is full. Delete some clips (your earlier ones are safe) or download this one.';
  }
  return `This clip could not be kept in the gallery (${errorText(error)}); your earlier clips are safe. Download it to keep it.`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
