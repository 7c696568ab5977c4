/**
 * The data-file port's two implementations read ranges: the cache reads only the stored chunks that
 * hold a range (each checked against its sha256), and Node reads through a file handle after a
 * streamed check of the whole file against the manifest.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryBackend, type CacheBackend } from '../../src/cache/backend';
import { ModelStore } from '../../src/cache/modelStore';
import { parseManifest } from '../../src/models/manifest';
import { createNodePackData } from '../../src/runtime/nodePackData';
import { scratchDir } from '../fixtures/generateCli';
import { validManifestJson } from '../fixtures/manifestFixture';

const BASE = 'https://packs.example/p/';
const CHUNK = 4096;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytesOf = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);

/** A pack whose files are in memory, the manifest's sizes and hashes theirs. */
function packFiles() {
  const json = validManifestJson();
  const files: Record<string, Uint8Array> = {};
  json.files.forEach((entry: Record<string, unknown>, i: number) => {
    const bytes = bytesOf(i === 1 ? 5 * CHUNK + 100 : 300, i);
    bytes[0] = 0x08;
    files[entry.path as string] = bytes;
    Object.assign(entry, { bytes: bytes.length, sha256: sha(bytes) });
  });
  const sizes = Object.values(files).map((b) => b.length);
  json.requirements = { totalBytes: sizes.reduce((a, b) => a + b, 0), largestBufferBytes: Math.max(...sizes), shaderF16: false };
  return { json, files };
}

async function installedStore() {
  const { json, files } = packFiles();
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const path = new URL(String(input)).pathname.replace('/p/', '');
    if (path === 'manifest.json') return new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } });
    const body = files[path]!;
    const match = /bytes=(\d+)-(\d+)/.exec(new Headers(init?.headers).get('range') ?? '');
    const [start, end] = match ? [Number(match[1]), Math.min(Number(match[2]), body.length - 1)] : [0, body.length - 1];
    return new Response(body.slice(start, end + 1), { status: match ? 206 : 200, headers: match ? { 'content-range': `bytes ${start}-${end}/${body.length}` } : {} });
  };
  const inner = memoryBackend();
  const gets: string[] = [];
  const backend: CacheBackend = { ...inner, get: (key) => (gets.push(key), inner.get(key)) };
  const store = new ModelStore(backend, { fetch });
  await store.install(`${BASE}manifest.json`, { chunkBytes: CHUNK, retryDelayMs: 1 });
  gets.length = 0;
  return { store, backend: inner, files, gets, name: json.name as string };
}

describe('ModelStore.readRange', () => {
  it('reads a range across chunk boundaries, fetching only the chunks that hold it', async () => {
    const { store, files, gets, name } = await installedStore();
    const dit = files['dit.onnx']!;
    const range = await store.readRange(name, 'dit.onnx', CHUNK - 10, CHUNK + 20);
    expect([...range]).toEqual([...dit.subarray(CHUNK - 10, 2 * CHUNK + 10)]);
    expect(gets.filter((k) => k.startsWith('chunk/'))).toEqual([`chunk/${name}/dit.onnx#0`, `chunk/${name}/dit.onnx#1`, `chunk/${name}/dit.onnx#2`]);
    gets.length = 0;
    expect([...(await store.readRange(name, 'dit.onnx', 5 * CHUNK + 90, 10))]).toEqual([...dit.subarray(5 * CHUNK + 90)]);
    expect(gets.filter((k) => k.startsWith('chunk/'))).toEqual([`chunk/${name}/dit.onnx#5`]);
  });

  it('refuses a range outside the file', async () => {
    const { store, name } = await installedStore();
    await expect(store.readRange(name, 'dit.onnx', 5 * CHUNK, 101)).rejects.toThrow(RangeError);
    await expect(store.readRange(name, 'dit.onnx', -1, 2)).rejects.toThrow(RangeError);
  });

  it('refuses a chunk damaged in storage and marks the file so Resume fetches it again', async () => {
    const { store, backend, name } = await installedStore();
    const key = `chunk/${name}/dit.onnx#2`;
    const stored = await backend.get<ArrayBuffer | Uint8Array>(key);
    const damaged = new Uint8Array(stored instanceof ArrayBuffer ? stored.slice(0) : stored!.slice());
    damaged[7]! ^= 0xff;
    await backend.putMany([[key, damaged.buffer]]);
    await expect(store.readRange(name, 'dit.onnx', 2 * CHUNK, 16)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining('Chunk 2 of dit.onnx') });
    expect((await store.info(name))?.status).toBe('corrupt');
  });
});

describe('the data-file port in Node', () => {
  const dir = scratchDir('tessera-pack-data-');

  function nodePack(bytes: Uint8Array, sha256 = sha(bytes)) {
    writeFileSync(join(dir, 'dit.onnx'), bytes);
    const json = validManifestJson();
    json.files[1] = { role: 'dit', path: 'dit.onnx', bytes: bytes.length, sha256 };
    return createNodePackData(dir, parseManifest(json));
  }

  it('reads ranges of a file whose size and sha256 match the manifest', async () => {
    const bytes = bytesOf(10_000, 3);
    const data = nodePack(bytes);
    expect([...(await data.readData('dit', 9_990, 10))]).toEqual([...bytes.subarray(9_990)]);
    expect([...(await data.readData('dit', 0, 3))]).toEqual([...bytes.subarray(0, 3)]);
  });

  it('refuses a file whose bytes do not match, and a range outside it', async () => {
    const bytes = bytesOf(1000, 4);
    await expect(nodePack(bytes, 'f'.repeat(64)).readData('dit', 0, 4)).rejects.toMatchObject({ code: 'checksum-mismatch' });
    await expect(nodePack(bytes).readData('dit', 999, 2)).rejects.toThrow(/outside dit\.onnx \(1000 bytes\)/);
  });
});
