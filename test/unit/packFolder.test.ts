/**
 * Opening a pack folder from disk, in Node on the memory backend: the folder's files are matched
 * against manifest.json by path and size before anything is stored, then copied by the downloader
 * over Blob slices with the same chunk and file hashes as a download. test/e2e/packFolder.e2e.test.ts
 * runs the same path through the Models panel in Chromium.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryBackend } from '../../src/cache/backend';
import { folderFetch } from '../../src/cache/folderFetch';
import { ModelStore } from '../../src/cache/modelStore';
import { ModelsController } from '../../src/cache/modelsController';
import { folderSourceUrl, isFolderSource, matchFolderFiles, readPackFolder, type FolderFile, type OpenedFolder } from '../../src/cache/packFolder';
import { validManifestJson } from '../fixtures/manifestFixture';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fileBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1664525 + 1013904223) >>> 0) >>> 24;
  out[0] = 0x08; // an ONNX protobuf starts with field 1
  return out;
}

/** A valid pack as a folder: manifest.json plus four files; `chunked` gives dit.onnx per-chunk hashes. */
function packFolder(options: { name?: string; chunked?: boolean } = {}) {
  const json = validManifestJson();
  json.name = options.name ?? 'folder-pack';
  const bytes: Record<string, Uint8Array<ArrayBuffer>> = {};
  json.files.forEach((entry: Record<string, unknown>, i: number) => {
    const data = fileBytes([3000, 200_000, 5000, 4000][i]!, i + 1);
    bytes[entry.path as string] = data;
    Object.assign(entry, { bytes: data.length, sha256: sha(data) });
    if (options.chunked && entry.path === 'dit.onnx') {
      const size = 65_536;
      entry.chunks = { bytes: size, sha256: Array.from({ length: Math.ceil(data.length / size) }, (_, c) => sha(data.subarray(c * size, (c + 1) * size))) };
    }
  });
  json.requirements = { totalBytes: 212_000, largestBufferBytes: 200_000, shaderF16: false };
  return { json, bytes };
}

function opened(json: unknown, bytes: Record<string, Uint8Array<ArrayBuffer>>, extra: FolderFile[] = [], prefix = ''): OpenedFolder {
  const files: FolderFile[] = [
    { path: `${prefix}manifest.json`, blob: new Blob([JSON.stringify(json)]) },
    ...Object.entries(bytes).map(([path, data]) => ({ path: `${prefix}${path}`, blob: new Blob([data]) })),
    ...extra,
  ];
  return { name: 'my-pack', files };
}

const blob = (length: number) => new Blob([new Uint8Array(length)]);

describe('matching a folder against its manifest', () => {
  const listed = [
    { path: 'dit.onnx', bytes: 2000 },
    { path: 'dit.onnx.data.0', bytes: 5000 },
  ];

  it('pairs every listed file found at its size and ignores documentation and hidden files', () => {
    const files = [
      { path: 'dit.onnx', blob: blob(2000) },
      { path: 'dit.onnx.data.0', blob: blob(5000) },
      { path: 'README.md', blob: blob(10) },
      { path: 'LICENSE', blob: blob(10) },
      { path: '.DS_Store', blob: blob(10) },
    ];
    const result = matchFolderFiles(listed, files);
    expect(result.problems).toEqual([]);
    expect(result.matched.map((f) => f?.path)).toEqual(['dit.onnx', 'dit.onnx.data.0']);
  });

  it('names a missing file, a file of the wrong size with both sizes, and an unlisted shard', () => {
    const files = [
      { path: 'dit.onnx', blob: blob(1999) },
      { path: 'dit.onnx.data.1', blob: blob(5000) },
    ];
    const { matched, problems } = matchFolderFiles(listed, files);
    expect(matched).toEqual([undefined, undefined]);
    expect(problems).toEqual([
      'dit.onnx is 1,999 bytes (2.00 kB) but manifest.json lists 2,000 bytes (2.00 kB): a cut copy, or a file from another version of the pack.',
      'dit.onnx.data.0 is missing: manifest.json lists it (5,000 bytes (5.00 kB)).',
      'dit.onnx.data.1 is in the folder but not in manifest.json: the manifest was not written for these files (remove the file, or use the manifest converted with it).',
    ]);
  });
});

describe('reading an opened folder', () => {
  it('reads the manifest, records the pack under a folder source that never resolves, and maps each file', async () => {
    const { json, bytes } = packFolder();
    const folder = await readPackFolder(opened(json, bytes));
    expect(folder.fetched.url).toBe('https://pack-folder.invalid/folder-pack/manifest.json');
    expect(isFolderSource(folder.fetched.url)).toBe(true);
    expect(isFolderSource('https://example.com/folder-pack/manifest.json')).toBe(false);
    expect([...folder.blobs.values()].map((f) => f.path)).toEqual(['text_encoder.onnx', 'dit.onnx', 'vae_decoder.onnx', 'vae_encoder.onnx']);
  });

  it('finds the pack one level down when the folder above it was chosen', async () => {
    const { json, bytes } = packFolder();
    const folder = await readPackFolder(opened(json, bytes, [], 'folder-pack/'));
    expect(folder.fetched.manifest.name).toBe('folder-pack');
    expect(folder.blobs.get(`${new URL('.', folderSourceUrl('folder-pack')).href}dit.onnx`)?.path).toBe('dit.onnx');
  });

  it('refuses a folder without manifest.json, saying what it holds', async () => {
    await expect(readPackFolder({ name: 'photos', files: [{ path: 'a.png', blob: blob(3) }] })).rejects.toMatchObject({
      name: 'PackFolderError',
      code: 'no-manifest',
      message: 'The folder "photos" has no manifest.json, so it is not a model pack: it holds a.png. Choose the folder that holds the pack\'s manifest.json.',
    });
  });

  it('refuses manifest.json that is not JSON', async () => {
    const folder = { name: 'p', files: [{ path: 'manifest.json', blob: new Blob(['{"format": ']) }] };
    await expect(readPackFolder(folder)).rejects.toMatchObject({ code: 'not-json', message: expect.stringMatching(/^manifest\.json in "p" is not valid JSON \(/) });
  });

  it('refuses a malformed manifest with the strict parser, naming the field path', async () => {
    const { json, bytes } = packFolder();
    json.files[1].bytes = -1;
    await expect(readPackFolder(opened(json, bytes))).rejects.toMatchObject({ name: 'ManifestError', message: expect.stringContaining('files[1].bytes') });
  });

  it('refuses a folder whose files do not match, listing every problem', async () => {
    const { json, bytes } = packFolder();
    delete bytes['vae_encoder.onnx'];
    bytes['dit.onnx'] = bytes['dit.onnx']!.subarray(0, 199_000);
    const error = await readPackFolder(opened(json, bytes)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PackFolderError', code: 'folder-mismatch' });
    expect((error as { problems: string[] }).problems).toEqual([
      'dit.onnx is 199,000 bytes (199 kB) but manifest.json lists 200,000 bytes (200 kB): a cut copy, or a file from another version of the pack.',
      'vae_encoder.onnx is missing: manifest.json lists it (4,000 bytes (4.00 kB)).',
    ]);
    expect((error as Error).message).toMatch(/^The folder "my-pack" does not hold the pack its manifest\.json describes\. dit\.onnx is 199,000 bytes/);
  });
});

describe('folderFetch', () => {
  it('answers Range requests with 206, Content-Range and just those bytes', async () => {
    const data = fileBytes(10_000, 7);
    const fetch = folderFetch(new Map([['https://pack-folder.invalid/p/dit.onnx', { path: 'dit.onnx', blob: new Blob([data]) }]]));
    const response = await fetch('https://pack-folder.invalid/p/dit.onnx', { headers: { Range: 'bytes=4096-8191' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 4096-8191/10000');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(data.subarray(4096, 8192));
    expect((await fetch('https://pack-folder.invalid/p/other.onnx')).status).toBe(404);
  });
});

describe('copying a folder into the cache', () => {
  const setup = () => new ModelStore(memoryBackend(), { fetch: () => Promise.reject(new Error('no request may leave the page')) });

  it('copies every file verified, in chunks, and reads the same bytes back', async () => {
    const { json, bytes } = packFolder({ chunked: true });
    const store = setup();
    const progress: number[] = [];
    const info = await store.importFolder(await readPackFolder(opened(json, bytes)), { chunkBytes: 4096, onProgress: (e) => e.file === 'dit.onnx' && progress.push(e.loaded) });
    expect(info).toMatchObject({ name: 'folder-pack', status: 'complete', storedBytes: 212_000, sourceUrl: folderSourceUrl('folder-pack') });
    for (const [path, data] of Object.entries(bytes)) expect(await store.readFile('folder-pack', path)).toEqual(data);
    expect(progress.at(-1)).toBe(200_000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('refuses a file whose bytes fail their hash, naming it, and leaves the pack unusable', async () => {
    const { json, bytes } = packFolder();
    bytes['vae_decoder.onnx']![100]! ^= 0xff;
    const store = setup();
    const error = await store.importFolder(await readPackFolder(opened(json, bytes)), { chunkBytes: 4096 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'IntegrityError', code: 'integrity', file: 'vae_decoder.onnx' });
    expect((error as Error).message).toMatch(
      new RegExp(`^vae_decoder\\.onnx in the folder "my-pack" does not match manifest\\.json: its sha256 is [0-9a-f]{64} but manifest\\.json says ${String(json.files[2].sha256)}\\. .* "folder-pack" cannot be used until a good copy of the folder is opened\\.$`),
    );
    expect((await store.info('folder-pack'))!.status).not.toBe('complete');
    await expect(store.readFile('folder-pack', 'vae_decoder.onnx')).rejects.toMatchObject({ name: 'PackNotInstalledError' });
  });

  it('names the chunk of a per-chunk-hashed file that fails', async () => {
    const { json, bytes } = packFolder({ chunked: true });
    bytes['dit.onnx']![140_000]! ^= 0xff;
    const error = await setup().importFolder(await readPackFolder(opened(json, bytes))).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'IntegrityError', file: 'dit.onnx', chunk: 2 });
    expect((error as Error).message).toContain(`dit.onnx in the folder "my-pack" does not match manifest.json: chunk 2 hashes to ${sha(bytes['dit.onnx']!.subarray(131_072, 196_608))}`);
  });

  it('cancels with the copied part kept, and continues from it when the folder is opened again', async () => {
    const { json, bytes } = packFolder({ chunked: true });
    const store = setup();
    const controller = new AbortController();
    const copy = store.importFolder(await readPackFolder(opened(json, bytes)), {
      signal: controller.signal,
      onProgress: (e) => e.file === 'dit.onnx' && e.loaded >= 65_536 && controller.abort(),
    });
    await expect(copy).rejects.toMatchObject({ code: 'aborted', message: 'Copying "folder-pack" from the folder "my-pack" was cancelled; the verified part is kept. Open the folder again to finish.' });
    const partial = (await store.info('folder-pack'))!;
    expect(partial.status).toBe('partial');
    await expect(store.resume('folder-pack')).rejects.toMatchObject({ code: 'folder-source', message: expect.stringContaining('open that folder again') });
    const read: string[] = [];
    const folder = await readPackFolder(opened(json, bytes));
    const counted = { ...folder, blobs: new Map([...folder.blobs].map(([url, f]) => [url, { path: f.path, blob: countingBlob(f.blob, () => read.push(f.path)) }])) };
    expect((await store.importFolder(counted)).status).toBe('complete');
    expect(read.filter((p) => p === 'text_encoder.onnx')).toEqual([]);
  });

  it('refuses a folder pack named like a pack installed from a URL', async () => {
    const { json, bytes } = packFolder({ name: 'tessera-tiny' });
    const store = setup();
    await store.backend.putMany([['pack/tessera-tiny', { name: 'tessera-tiny', sourceUrl: 'https://example.com/tessera-tiny/manifest.json', files: [] }]]);
    await expect(store.importFolder(await readPackFolder(opened(json, bytes)))).rejects.toMatchObject({
      code: 'name-taken',
      message: 'A pack named "tessera-tiny" is already installed from https://example.com/tessera-tiny/manifest.json. Delete it in Models first, or give the folder\'s pack another name in its manifest.json.',
    });
  });
});

describe('the Models panel opening a folder (ModelsController)', () => {
  const controller = () => new ModelsController(new ModelStore(memoryBackend(), { fetch: () => Promise.reject(new Error('no request may leave the page')) }));

  it('refuses a pack this device cannot run before anything is stored, by the folder control', async () => {
    // Node has no WebGPU adapter, so a pack that needs shader-f16 cannot run here.
    const { json, bytes } = packFolder();
    json.requirements.shaderF16 = true;
    const models = controller();
    await models.openFolder(opened(json, bytes));
    expect(models.getSnapshot().folderError).toEqual({
      code: 'requirements',
      message: 'This model pack cannot run on this device. It needs WebGPU with shader-f16, and this browser has no WebGPU adapter; choose an fp32 or int8 pack.',
    });
    expect(models.getSnapshot().opening).toBe(false);
    expect(await models.store.backend.keys()).toEqual([]);
  });

  it('installs a good folder, and shows a bad file on the pack row once its records exist', async () => {
    const models = controller();
    const good = packFolder();
    await models.openFolder(opened(good.json, good.bytes));
    expect(models.getSnapshot().packs.map((p) => [p.name, p.status])).toEqual([['folder-pack', 'complete']]);
    expect(models.getSnapshot().folderError).toBeNull();

    const bad = packFolder({ name: 'bad-pack' });
    bad.bytes['dit.onnx']![7]! ^= 1;
    await models.openFolder(opened(bad.json, bad.bytes));
    expect(models.getSnapshot().errors['bad-pack']).toMatchObject({ code: 'integrity', message: expect.stringMatching(/^dit\.onnx in the folder "my-pack" does not match manifest\.json/) });
    expect(models.getSnapshot().packs.find((p) => p.name === 'bad-pack')?.status).toBe('partial');
  });
});

/** A Blob whose slices report each read. */
function countingBlob(blob: Blob, onSlice: () => void): Blob {
  return new Proxy(blob, {
    get(target, key) {
      if (key === 'slice') return (...args: Parameters<Blob['slice']>) => (onSlice(), target.slice(...args));
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
