/**
 * Measurements the benchmark (`npm run bench`) calls in a browser: how fast the cache reads back
 * installed bytes, and a pack's first load (download + read) against a warm load from the cache.
 */
import { graphRoles, type ModelRole } from '../models/manifest';
import type { InstallOptions, ModelStore } from './modelStore';
import { sessionSource, type SessionSource } from './sessionSource';

export interface CacheReadMeasurement {
  readonly pack: string;
  readonly bytes: number;
  readonly ms: number;
  /** Decimal megabytes (10^6 bytes) per second. */
  readonly mbPerSecond: number;
}

export interface LoadMeasurement {
  readonly pack: string;
  readonly bytes: number;
  /** Pack removed first: manifest + download + verify + read (+ sessions when given). */
  readonly coldMs: number;
  /** Installed pack: manifest check + read from IndexedDB (+ sessions when given). */
  readonly warmMs: number;
  /** Of coldMs, the part spent downloading and verifying. */
  readonly downloadMs: number;
  /** Of each, the part spent creating sessions (0 without `createSession`). */
  readonly coldSessionMs: number;
  readonly warmSessionMs: number;
  readonly readMbPerSecond: number;
}

/** Reads every file of a complete pack `rounds` times and reports the read rate. */
export async function measureCacheRead(store: ModelStore, pack: string, rounds = 3): Promise<CacheReadMeasurement> {
  const manifest = await store.manifest(pack);
  let bytes = 0;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const file of manifest.files) bytes += (await store.readFile(pack, file.path)).length;
  }
  const ms = performance.now() - start;
  return { pack, bytes: bytes / rounds, ms: ms / rounds, mbPerSecond: bytes / 1e6 / (ms / 1000) };
}

/**
 * Cold load (the pack deleted, then installed from `manifestUrl`) against warm load (installed),
 * each ending with every graph's bytes in memory and, when `createSession` is given, its session.
 * Deletes and reinstalls the pack: run it on purpose, not while the app uses that pack.
 */
export async function measureColdWarmLoad(
  store: ModelStore,
  manifestUrl: string,
  options: InstallOptions & { createSession?: (role: ModelRole, source: SessionSource) => Promise<void> } = {},
): Promise<LoadMeasurement> {
  const { createSession, ...install } = options;
  const { manifest } = await store.ensure(manifestUrl, install);
  await store.delete(manifest.name);

  const load = async (): Promise<{ ms: number; downloadMs: number; sessionMs: number; readMs: number; bytes: number }> => {
    const start = performance.now();
    await store.ensure(manifestUrl, install);
    const downloadMs = performance.now() - start;
    let sessionMs = 0;
    let readMs = 0;
    let bytes = 0;
    for (const role of graphRoles(manifest)) {
      const readStart = performance.now();
      const source = await sessionSource(store, manifest, role);
      readMs += performance.now() - readStart;
      bytes += source.bytes;
      if (createSession) {
        const sessionStart = performance.now();
        await createSession(role, source);
        sessionMs += performance.now() - sessionStart;
      }
    }
    return { ms: performance.now() - start, downloadMs, sessionMs, readMs, bytes };
  };

  const cold = await load();
  const warm = await load();
  return {
    pack: manifest.name,
    bytes: warm.bytes,
    coldMs: cold.ms,
    warmMs: warm.ms,
    downloadMs: cold.downloadMs,
    coldSessionMs: cold.sessionMs,
    warmSessionMs: warm.sessionMs,
    readMbPerSecond: warm.bytes / 1e6 / (warm.readMs / 1000),
  };
}
