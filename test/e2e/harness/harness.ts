/**
 * A test page for the weight cache in real Chromium, before and besides the app: it exposes the
 * cache module on `window.cacheHarness` with helpers that return plain data (results, progress
 * events, notes and errors by `name`/`code`) for page.evaluate. Bundled by esbuild at test start;
 * never part of the app's build.
 */
import * as cache from '../../../src/cache/index';
import type { DownloadNote, InstallOptions, ModelProgress, PackInfo } from '../../../src/cache/index';

export interface ErrorData {
  readonly name: string;
  readonly code: string | null;
  readonly message: string;
}

export interface Outcome<T> {
  readonly ok: boolean;
  readonly value: T | null;
  readonly error: ErrorData | null;
  readonly events: ModelProgress[];
  readonly notes: DownloadNote[];
}

function errorData(error: unknown): ErrorData {
  const e = error as { name?: string; code?: unknown; message?: string };
  return { name: e?.name ?? 'Error', code: typeof e?.code === 'string' ? e.code : null, message: e?.message ?? String(error) };
}

let store = new cache.ModelStore();
let running: AbortController | null = null;
/** Progress of the install in flight, readable while it runs. */
const live: { events: ModelProgress[]; notes: DownloadNote[] } = { events: [], notes: [] };

async function capture<T>(fn: (options: InstallOptions) => Promise<T>, options: InstallOptions = {}): Promise<Outcome<T>> {
  live.events = [];
  live.notes = [];
  running = new AbortController();
  try {
    const value = await fn({ ...options, signal: running.signal, onProgress: (e) => live.events.push(e), onNote: (n) => live.notes.push(n) });
    return { ok: true, value, error: null, events: live.events, notes: live.notes };
  } catch (error) {
    return { ok: false, value: null, error: errorData(error), events: live.events, notes: live.notes };
  }
}

const harness = {
  cache,
  get store() {
    return store;
  },
  live,
  /** A store on a fresh in-memory backend, or back on IndexedDB. */
  useBackend(kind: 'indexeddb' | 'memory') {
    store = new cache.ModelStore(kind === 'memory' ? cache.memoryBackend() : cache.idbBackend());
  },
  install: (url: string, options: InstallOptions = {}) => capture((o) => store.install(url, o), options),
  ensure: (url: string, options: InstallOptions = {}) => capture(async (o) => (await store.ensure(url, o)).info, options),
  resume: (name: string, options: InstallOptions = {}) => capture((o) => store.resume(name, o), options),
  verify: (name: string) => capture((o) => store.verify(name, { ...(o.onProgress ? { onProgress: o.onProgress } : {}) })),
  abort: () => running?.abort(),
  list: (): Promise<PackInfo[]> => store.list(),
  info: (name: string): Promise<PackInfo | null> => store.info(name),
  delete: (name: string) => store.delete(name),
  /** sha256 of a complete file as read back from the cache. */
  async readHash(name: string, path: string): Promise<Outcome<{ bytes: number; sha256: string }>> {
    return capture(async (o) => {
      const bytes = await store.readFile(name, path, { ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return { bytes: bytes.length, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
    });
  },
  /** Flips one byte of a stored chunk, as disk corruption would. */
  async corruptChunk(name: string, path: string, index: number, offset = 0): Promise<void> {
    const key = `chunk/${name}/${path}#${index}`;
    const bytes = (await cache.toBytes(await store.backend.get(key)))!.slice();
    bytes[offset]! ^= 0xff;
    await store.backend.putMany([[key, new Blob([bytes])]]);
  },
  /** onnxruntime-web's WASM build, served by the test server from node_modules (single-threaded). */
  async loadOrt(): Promise<typeof import('onnxruntime-web')> {
    const url = '/ort/ort.wasm.min.mjs';
    const ort = (await import(/* @vite-ignore */ url)) as typeof import('onnxruntime-web');
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = 1;
    return ort;
  },
  async keys(): Promise<string[]> {
    return store.backend.keys();
  },
  errorData,
  capture,
};

declare global {
  interface Window {
    cacheHarness: typeof harness;
  }
}

export type CacheHarness = typeof harness;

window.cacheHarness = harness;
document.body.dataset.ready = '1';
