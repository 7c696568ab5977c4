import { describe, expect, it } from 'vitest';
import { GalleryDb, type GalleryBackend } from '../../src/gallery/galleryDb';
import type { GalleryEntry } from '../../src/gallery/galleryTypes';

/** An in-memory backend with IndexedDB's all-or-nothing transactions, failing on demand. */
function memoryBackend() {
  const data = new Map<string, unknown>();
  const failures = { setMany: 0, update: 0 };
  const backend: GalleryBackend = {
    getMany: async (keys) => keys.map((key) => data.get(key)),
    setMany: async (entries) => {
      if (failures.setMany > 0 && failures.setMany-- > 0) throw new DOMException('quota', 'QuotaExceededError');
      for (const [key, value] of entries) data.set(key, value);
    },
    update: async (key, fn) => {
      if (failures.update > 0 && failures.update-- > 0) throw new DOMException('aborted', 'AbortError');
      data.set(key, fn(data.get(key)));
    },
    delMany: async (keys) => {
      for (const key of keys) data.delete(key);
    },
    keys: async () => [...data.keys()],
  };
  return { backend, data, failures };
}

function entry(id: string, createdAt = '2030-01-01T00:00:00.000Z'): GalleryEntry {
  return {
    id,
    kind: 'video',
    createdAt,
    settings: { prompt: `prompt ${id}`, negativePrompt: '', aspect: '1:1', frames: 9, steps: 2, guidance: 4, seed: 1, expandPrompt: true },
    expandedPrompt: `prompt ${id}`,
    packName: 'tessera-tiny',
    fileName: `${id}.mp4`,
    mimeType: 'video/mp4',
    codec: 'avc1.64000b',
    width: 128,
    height: 128,
    frames: 9,
    fps: 8,
    backendLabel: 'WASM · 2 threads',
    timings: { loadMs: 0, encodeMs: 1, denoiseMs: 1, decodeMs: 1, muxMs: 1, totalMs: 4 } as GalleryEntry['timings'],
    fileBytes: 3,
    thumbnailBytes: 0,
  };
}

const file = (text: string) => new Blob([text], { type: 'video/mp4' });

describe('gallery storage', () => {
  it('lists clips newest first with their files', async () => {
    const db = new GalleryDb(memoryBackend().backend);
    await db.add(entry('a'), file('A'), null);
    await db.add(entry('b'), file('B'), null);
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['b', 'a']);
    expect(await (await db.file('a'))!.text()).toBe('A');
  });

  it('a failed data write leaves the earlier clips and the index untouched', async () => {
    const { backend, data, failures } = memoryBackend();
    const db = new GalleryDb(backend);
    await db.add(entry('a'), file('A'), null);
    const before = new Map(data);
    failures.setMany = 1;
    await expect(db.add(entry('b'), file('B'), null)).rejects.toThrow('quota');
    expect(data).toEqual(before);
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['a']);
  });

  it('a failed index write leaves an orphan that is not listed and is collected later', async () => {
    const { backend, failures } = memoryBackend();
    const db = new GalleryDb(backend);
    await db.add(entry('a'), file('A'), null);
    failures.update = 1;
    await expect(db.add(entry('b', '2030-01-01T00:00:00.000Z'), file('B'), null)).rejects.toThrow('aborted');
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['a']);
    expect(await db.collectGarbage(Date.parse('2030-01-01T00:00:30.000Z'))).toBe(0);
    expect(await db.collectGarbage(Date.parse('2030-01-01T01:00:00.000Z'))).toBe(1);
    expect(await db.file('b')).toBeNull();
    expect(await db.file('a')).not.toBeNull();
  });

  it('delete hides a clip, undo puts it back in place, purge deletes only hidden clips', async () => {
    const db = new GalleryDb(memoryBackend().backend);
    for (const id of ['a', 'b', 'c']) await db.add(entry(id), file(id), null);
    const position = await db.hide('b');
    expect(position).toBe(1);
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['c', 'a']);
    await db.unhide('b', position);
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['c', 'b', 'a']);
    await db.purge('b');
    expect(await db.file('b')).not.toBeNull();
    await db.hide('b');
    await db.purge('b');
    expect(await db.file('b')).toBeNull();
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['c', 'a']);
  });

  it('ignores a corrupt index value and entries of the wrong shape', async () => {
    const { backend, data } = memoryBackend();
    const db = new GalleryDb(backend);
    data.set('index', 'garbage');
    expect(await db.list()).toEqual([]);
    await db.add(entry('a'), file('A'), null);
    data.set('index', ['a', 'missing', 42]);
    data.set('entry:missing', { nope: true });
    expect((await db.list()).map((clip) => clip.entry.id)).toEqual(['a']);
  });
});
