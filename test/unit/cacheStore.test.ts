/**
 * The model store in Node on the memory backend, with a fetch that serves files from memory and
 * misbehaves on request. The same behaviours run against real IndexedDB and HTTP in
 * test/e2e/cache.e2e.test.ts; here they are fast and exact.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryBackend, type CacheBackend } from '../../src/cache/backend';
import { toBytes, type DownloadNote } from '../../src/cache/downloader';
import { ModelStore, type InstallOptions } from '../../src/cache/modelStore';
import type { ModelProgress } from '../../src/cache/progress';
import type { FileRecord } from '../../src/cache/records';
import { validManifestJson } from '../fixtures/manifestFixture';

const BASE = 'https://packs.example/tiny/';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fileBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1664525 + 1013904223) >>> 0) >>> 24;
  out[0] = 0x08; // an ONNX protobuf starts with field 1
  return out;
}

interface Fault {
  path: string;
  cutAt?: number;
  flipAt?: number;
  noRange?: boolean;
  html?: boolean;
  status?: number;
  times?: number;
}

/** Files served by a fake fetch; `requests` records each (path, range). */
function fakeServer(files: Record<string, Uint8Array>, manifest: unknown) {
  const faults: (Fault & { left: number })[] = [];
  const requests: { path: string; range: string | null }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const path = url.pathname.replace('/tiny/', '');
    const range = new Headers(init?.headers).get('range');
    requests.push({ path, range });
    if (path === 'manifest.json') return new Response(JSON.stringify(manifest), { headers: { 'content-type': 'application/json' } });
    const body = files[path];
    if (!body) return new Response('missing', { status: 404 });
    let [start, end] = [0, body.length - 1];
    const match = range && /bytes=(\d+)-(\d+)/.exec(range);
    const active = faults.filter((f) => f.left > 0 && f.path === path && (!match || f.cutAt === undefined || (f.cutAt >= Number(match[1]) && f.cutAt <= Number(match[2]))));
    active.forEach((f) => f.left--);
    if (active.some((f) => f.status)) return new Response(null, { status: active.find((f) => f.status)!.status! });
    if (active.some((f) => f.html)) return new Response('<!doctype html><p>app</p>', { headers: { 'content-type': 'text/html' } });
    const ranged = match && !active.some((f) => f.noRange);
    if (ranged) [start, end] = [Number(match[1]), Math.min(Number(match[2]), body.length - 1)];
    const slice = body.slice(start, end + 1);
    const flip = active.find((f) => f.flipAt !== undefined)?.flipAt;
    if (flip !== undefined && flip >= start && flip <= end) slice[flip - start]! ^= 0xff;
    const cut = active.find((f) => f.cutAt !== undefined)?.cutAt;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const limit = cut !== undefined && cut >= start && cut <= end ? cut - start : slice.length;
        for (let at = 0; at < limit; at += 1000) controller.enqueue(slice.slice(at, Math.min(at + 1000, limit)));
        if (limit < slice.length) controller.error(new TypeError('network error'));
        else controller.close();
      },
    });
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(slice.length) };
    if (ranged) headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
    return new Response(stream, { status: ranged ? 206 : 200, headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests, fault: (f: Fault) => faults.push({ ...f, left: f.times ?? Infinity }) };
}

function pack(sizes = [3000, 20_000, 5000, 4000]) {
  const json = validManifestJson();
  const files: Record<string, Uint8Array> = {};
  json.files.forEach((entry: Record<string, unknown>, i: number) => {
    const bytes = fileBytes(sizes[i]!, i + 1);
    files[entry.path as string] = bytes;
    Object.assign(entry, { bytes: bytes.length, sha256: sha(bytes) });
  });
  json.requirements = { totalBytes: sizes.reduce((a, b) => a + b, 0), largestBufferBytes: Math.max(...sizes), shaderF16: false };
  return { json, files };
}

function setup(backend: CacheBackend = memoryBackend()) {
  const { json, files } = pack();
  const server = fakeServer(files, json);
  const store = new ModelStore(backend, { fetch: server.fetch });
  const events: ModelProgress[] = [];
  const notes: DownloadNote[] = [];
  const options = (extra: InstallOptions = {}): InstallOptions => ({ chunkBytes: 4096, retryDelayMs: 1, onProgress: (e) => events.push(e), onNote: (n) => notes.push(n), ...extra });
  return { json, files, server, store, events, notes, options };
}

const dit = (requests: { path: string; range: string | null }[]) => requests.filter((r) => r.path === 'dit.onnx').map((r) => r.range);

describe('ModelStore on the memory backend', () => {
  it('installs in 4 KiB chunks, reads the bytes back and reports progress to 100%', async () => {
    const { store, files, server, events, options } = setup();
    const info = await store.install(`${BASE}manifest.json`, options());
    expect(info.status).toBe('complete');
    expect(dit(server.requests)).toHaveLength(5);
    expect(await store.readFile('tessera-tiny', 'dit.onnx')).toEqual(files['dit.onnx']);
    const last = events.filter((e) => e.file === 'dit.onnx').at(-1);
    expect(last).toMatchObject({ status: 'done', loaded: 20_000, total: 20_000 });
  });

  it('resumes a cut download from the last stored chunk on the next install', async () => {
    const { store, server, options } = setup();
    server.fault({ path: 'dit.onnx', cutAt: 10_000, times: 1 });
    await expect(store.install(`${BASE}manifest.json`, options({ retries: 0 }))).rejects.toMatchObject({ name: 'DownloadError', code: 'fetch-failed' });
    expect((await store.info('tessera-tiny'))!.files[1]!.storedBytes).toBe(8192);
    server.requests.length = 0;
    expect((await store.install(`${BASE}manifest.json`, options())).status).toBe('complete');
    expect(dit(server.requests)).toEqual(['bytes=8192-12287', 'bytes=12288-16383', 'bytes=16384-19999']);
  });

  it('resumes a download saved with the earlier JavaScript hasher\'s state by rehashing its stored chunks, not fetching them', async () => {
    const { store, server, files, options } = setup();
    server.fault({ path: 'dit.onnx', cutAt: 10_000, times: 1 });
    await expect(store.install(`${BASE}manifest.json`, options({ retries: 0 }))).rejects.toMatchObject({ code: 'fetch-failed' });
    const key = 'file/tessera-tiny/dit.onnx';
    const record = (await store.backend.get(key)) as FileRecord;
    expect(record).toMatchObject({ hashed: 2, state: 'partial' });
    expect(record.hashState).toBeInstanceOf(Uint8Array);
    // What the hand-written hasher stored before hash-wasm: eight words, a length and a partial block.
    const oldState = { h: [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19], length: 8192, tail: new Uint8Array(0) };
    await store.backend.putMany([[key, { ...record, hashState: oldState }]]);
    server.requests.length = 0;
    expect((await store.install(`${BASE}manifest.json`, options())).status).toBe('complete');
    // A trusted old state (or a fresh hash that skipped the stored chunks) would fail the whole-file check and refetch everything.
    expect(dit(server.requests)).toEqual(['bytes=8192-12287', 'bytes=12288-16383', 'bytes=16384-19999']);
    expect(await store.readFile('tessera-tiny', 'dit.onnx')).toEqual(files['dit.onnx']);
    expect(((await store.backend.get(key)) as FileRecord).hashState).toBeInstanceOf(Uint8Array);
  });

  it('a paused (aborted) download says so and resumes', async () => {
    const { store, server, options } = setup();
    const controller = new AbortController();
    const events: ModelProgress[] = [];
    const install = store.install(`${BASE}manifest.json`, options({ signal: controller.signal, onProgress: (e) => (events.push(e), e.file === 'dit.onnx' && e.loaded >= 8192 && controller.abort()) }));
    await expect(install).rejects.toMatchObject({ code: 'aborted' });
    server.requests.length = 0;
    expect((await store.resume('tessera-tiny', options())).status).toBe('complete');
    expect(server.requests.some((r) => r.path === 'manifest.json')).toBe(false);
    expect(dit(server.requests)[0]).not.toBe('bytes=0-4095');
  });

  it('turns a QuotaExceededError on write into a clear error and leaves nothing complete', async () => {
    const backend = memoryBackend();
    let writes = 0;
    const full: CacheBackend = {
      ...backend,
      putMany: async (entries) => {
        if (entries.length > 1 && ++writes > 2) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
        return backend.putMany(entries);
      },
    };
    const { store, options } = setup(full);
    await expect(store.install(`${BASE}manifest.json`, options())).rejects.toMatchObject({ name: 'StorageQuotaError', code: 'quota-exceeded' });
    expect((await store.info('tessera-tiny'))!.status).toBe('partial');
  });

  it('a new version of the pack keeps unchanged files and re-downloads only the changed one', async () => {
    const { store, server, json, files, options } = setup();
    await store.install(`${BASE}manifest.json`, options());
    const changed = fileBytes(4000, 99);
    files['vae_encoder.onnx'] = changed;
    Object.assign(json.files[3], { sha256: sha(changed) });
    json.version = '1.1.0';
    server.requests.length = 0;
    const info = await store.install(`${BASE}manifest.json`, options());
    expect(info).toMatchObject({ status: 'complete', version: '1.1.0' });
    expect(server.requests.map((r) => r.path)).toEqual(['manifest.json', 'vae_encoder.onnx']);
    expect(await store.readFile('tessera-tiny', 'vae_encoder.onnx')).toEqual(changed);
  });

  it('ensure uses a complete pack when the network is down, and refuses a partial one', async () => {
    const { store, options, json, files } = setup();
    await store.install(`${BASE}manifest.json`, options());
    const offline = new ModelStore(store.backend, {
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const { manifest, info } = await offline.ensure(BASE);
    expect(manifest.name).toBe('tessera-tiny');
    expect(info.status).toBe('complete');
    expect(await offline.readFile('tessera-tiny', 'dit.onnx')).toEqual(files['dit.onnx']);
    await store.delete('tessera-tiny');
    await expect(offline.ensure(BASE)).rejects.toMatchObject({ code: 'fetch-failed' });
    expect(json).toBeDefined();
  });

  it('readFile refuses a partial file and reports a missing chunk as corrupt', async () => {
    const { store, server, options } = setup();
    server.fault({ path: 'vae_decoder.onnx', status: 404 });
    await expect(store.install(`${BASE}manifest.json`, options())).rejects.toMatchObject({ code: 'http-status' });
    await expect(store.readFile('tessera-tiny', 'vae_decoder.onnx')).rejects.toMatchObject({ name: 'PackNotInstalledError', code: 'not-installed' });
    await store.backend.deleteMany(['chunk/tessera-tiny/dit.onnx#2']);
    await expect(store.readFile('tessera-tiny', 'dit.onnx')).rejects.toMatchObject({ code: 'corrupt' });
    expect((await store.info('tessera-tiny'))!.status).toBe('corrupt');
  });

  it('readFile refuses a chunk damaged in storage without a change of length, and Resume fetches only that chunk', async () => {
    const { store, server, files, options } = setup();
    await store.install(`${BASE}manifest.json`, options());
    /** Flips one byte of a stored chunk in place, as a storage fault would: same length, new bytes. */
    const flip = async (key: string, at: number) => {
      const bytes = (await toBytes(await store.backend.get(key)))!.slice();
      bytes[at]! ^= 0x01;
      await store.backend.putMany([[key, new Blob([bytes])]]);
    };
    // dit.onnx spans 5 chunks checked only as a whole by the manifest; text_encoder.onnx is one chunk.
    for (const [path, chunk] of [['dit.onnx', 2], ['text_encoder.onnx', 0]] as const) {
      await flip(`chunk/tessera-tiny/${path}#${chunk}`, 100);
      const error = await store.readFile('tessera-tiny', path).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'PackNotInstalledError', code: 'corrupt' });
      expect((error as Error).message).toBe(
        `Chunk ${chunk} of ${path} in model pack "tessera-tiny" is damaged in storage (its bytes no longer match the sha256 they were stored with); press Resume to fetch it again.`,
      );
    }
    expect((await store.info('tessera-tiny'))!.status).toBe('corrupt');
    // Verify after the read finds the dropped chunks gone and keeps the files damaged, not partial.
    expect((await store.verify('tessera-tiny')).status).toBe('corrupt');
    server.requests.length = 0;
    expect((await store.resume('tessera-tiny', options())).status).toBe('complete');
    expect(server.requests).toEqual([
      { path: 'text_encoder.onnx', range: 'bytes=0-2999' },
      { path: 'dit.onnx', range: 'bytes=8192-12287' },
    ]);
    expect(await store.readFile('tessera-tiny', 'dit.onnx')).toEqual(files['dit.onnx']);
    expect(await store.readFile('tessera-tiny', 'text_encoder.onnx')).toEqual(files['text_encoder.onnx']);
  });

  it('refuses an HTML answer and a server whose file is larger than the manifest says', async () => {
    const { store, server, options } = setup();
    server.fault({ path: 'text_encoder.onnx', html: true });
    await expect(store.install(`${BASE}manifest.json`, options())).rejects.toMatchObject({ code: 'html-instead-of-file' });
    const other = setup();
    other.files['dit.onnx'] = fileBytes(30_000, 2);
    other.server.fault({ path: 'dit.onnx', noRange: true });
    await expect(other.store.install(`${BASE}manifest.json`, other.options())).rejects.toMatchObject({ code: 'size-mismatch' });
    expect(server).toBeDefined();
  });
});
