/**
 * The gallery's storage: one key per clip plus an index written last, so a failed or interrupted
 * write never touches earlier clips.
 *
 * Keys: `file:<id>` (the MP4/PNG Blob), `entry:<id>` (a `StoredClip`: data and thumbnail) and
 * `index` (ids, newest first). Adding writes the file and the entry in one transaction, then the
 * index; a clip is in the gallery once the index names it. Deleting only takes the id out of the
 * index, so undo puts it back; `purge` (after the undo window) and `collectGarbage` (at start-up)
 * remove data no index names.
 */
import type { GalleryEntry, StoredClip } from './galleryTypes';

/** The key-value operations the gallery needs; IndexedDB in the app, memory in unit tests. */
export interface GalleryBackend {
  getMany(keys: readonly string[]): Promise<unknown[]>;
  /** Sets every pair in one transaction: all of them or none. */
  setMany(entries: readonly (readonly [string, unknown])[]): Promise<void>;
  /** Read-modify-write of one key in one transaction. */
  update(key: string, fn: (old: unknown) => unknown): Promise<void>;
  delMany(keys: readonly string[]): Promise<void>;
  keys(): Promise<string[]>;
}

const INDEX_KEY = 'index';
const entryKey = (id: string) => `entry:${id}`;
const fileKey = (id: string) => `file:${id}`;

/** Orphans younger than this may belong to a write still in progress (another tab). */
const GARBAGE_GRACE_MS = 60_000;

export class GalleryDb {
  constructor(private readonly backend: GalleryBackend) {}

  /** Every clip the index names, newest first. */
  async list(): Promise<StoredClip[]> {
    const ids = await this.ids();
    const records = await this.backend.getMany(ids.map(entryKey));
    return records.filter(isStoredClip);
  }

  /** Stores a clip: its file and entry first (together), then the index. */
  async add(entry: GalleryEntry, file: Blob, thumbnail: Blob | null): Promise<void> {
    const clip: StoredClip = { entry, thumbnail };
    await this.backend.setMany([
      [fileKey(entry.id), file],
      [entryKey(entry.id), clip],
    ]);
    await this.backend.update(INDEX_KEY, (old) => [entry.id, ...validIds(old).filter((id) => id !== entry.id)]);
  }

  /** The clip's MP4/PNG, or null when it is gone. */
  async file(id: string): Promise<Blob | null> {
    const [file] = await this.backend.getMany([fileKey(id)]);
    return file instanceof Blob ? file : null;
  }

  /** Takes a clip out of the gallery (its data stays until `purge`); returns where it was, or -1. */
  async hide(id: string): Promise<number> {
    let position = -1;
    await this.backend.update(INDEX_KEY, (old) => {
      const ids = validIds(old);
      position = ids.indexOf(id);
      return ids.filter((other) => other !== id);
    });
    return position;
  }

  /** Puts a hidden clip back at `position` (undo). */
  async unhide(id: string, position: number): Promise<void> {
    await this.backend.update(INDEX_KEY, (old) => {
      const ids = validIds(old).filter((other) => other !== id);
      ids.splice(Math.max(0, Math.min(position, ids.length)), 0, id);
      return ids;
    });
  }

  /** Deletes a hidden clip's data; a clip the index still names is kept. */
  async purge(id: string): Promise<void> {
    if ((await this.ids()).includes(id)) return;
    await this.backend.delMany([fileKey(id), entryKey(id)]);
  }

  /** Deletes data that no index names (left by a failed add or an undo window closed by a reload). */
  async collectGarbage(now = Date.now()): Promise<number> {
    const indexed = new Set(await this.ids());
    const orphans = [...new Set((await this.backend.keys()).map(idOfKey).filter((id): id is string => id !== null && !indexed.has(id)))];
    if (orphans.length === 0) return 0;
    const records = await this.backend.getMany(orphans.map(entryKey));
    const old = orphans.filter((_, i) => {
      const record = records[i];
      return !isStoredClip(record) || now - Date.parse(record.entry.createdAt) > GARBAGE_GRACE_MS;
    });
    await this.backend.delMany(old.flatMap((id) => [fileKey(id), entryKey(id)]));
    return old.length;
  }

  private async ids(): Promise<string[]> {
    const [index] = await this.backend.getMany([INDEX_KEY]);
    return validIds(index);
  }
}

function validIds(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

function idOfKey(key: string): string | null {
  const match = /^(?:entry|file):(.+)$/.exec(key);
  return match ? match[1]! : null;
}

function isStoredClip(value: unknown): value is StoredClip {
  if (typeof value !== 'object' || value === null) return false;
  const entry = (value as { entry?: Partial<GalleryEntry> }).entry;
  return typeof entry === 'object' && entry !== null && typeof entry.id === 'string' && typeof entry.createdAt === 'string' && typeof entry.settings === 'object';
}
