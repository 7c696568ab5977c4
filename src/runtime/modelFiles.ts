/**
 * Where model bytes come from: the weight cache (src/cache/). A pack is installed once from its URL
 * (the built-in pack from the app's own origin, through the same path), chunked, verified and kept
 * in IndexedDB; sessions are created from cached bytes, and a complete file is never fetched again.
 * With the network down, a complete pack installed from the same URL is used as it is.
 */
import { CacheError, manifestUrlFor, ModelStore, PackNotInstalledError, probeDeviceLimits, sessionSource, type ModelProgress, type SessionSource } from '../cache';
import { fileFor, type Manifest, type ModelRole } from '../models/manifest';
import type { PackData } from '../pipeline/packData';
import { EngineError } from '../errors/engineError';

/** A model pack whose manifest has been read and validated and whose files are installed. */
export interface ModelPack {
  readonly manifest: Manifest;
  /** Absolute URL of the pack's folder, ending in "/". */
  readonly baseUrl: string;
}

export type LoadProgress = (progress: ModelProgress) => void;

let store: ModelStore | null = null;

/** The worker's store (one per context; the page's Models panel has its own on the same database). */
function modelStore(): ModelStore {
  return (store ??= new ModelStore());
}

/**
 * Installs the pack at `packUrl` (its folder or manifest.json), or resumes it, downloading only
 * what is missing; offline, a complete installed copy is used.
 */
export async function loadPack(packUrl: string, onProgress?: LoadProgress): Promise<ModelPack> {
  const url = manifestUrlFor(packUrl);
  try {
    // The device's limits are checked before a byte is fetched, as the Models panel does for "Add".
    const { manifest } = await modelStore().ensure(url, { ...(onProgress ? { onProgress } : {}), limits: await probeDeviceLimits() });
    return { manifest, baseUrl: new URL('.', url).href };
  } catch (error) {
    throw asEngineError(error);
  }
}

/**
 * A pack already installed in the cache, by name (one added in the Models panel): its stored
 * manifest, without a request. Its files are read when the sessions are created, and a file found
 * damaged there fails with its own message.
 */
export async function loadInstalledPack(name: string): Promise<ModelPack> {
  try {
    const info = await modelStore().info(name);
    if (!info) throw new PackNotInstalledError('not-installed', `Model pack "${name}" is not installed; add it again from its URL in Models.`, name);
    if (info.status === 'corrupt') throw new PackNotInstalledError('corrupt', `Model pack "${name}" is damaged; press Verify, then Resume, in Models.`, name);
    if (info.status !== 'complete') throw new PackNotInstalledError('not-installed', `Model pack "${name}" is only partly downloaded; press Resume in Models.`, name);
    return { manifest: await modelStore().manifest(name), baseUrl: new URL('.', info.sourceUrl).href };
  } catch (error) {
    throw asEngineError(error);
  }
}

/** The graph with `role` and its external-data files (packs over 2 GB), ready for a session. */
export async function loadModelRole(pack: ModelPack, role: ModelRole, onProgress?: LoadProgress): Promise<SessionSource> {
  try {
    return await sessionSource(modelStore(), pack.manifest, role, onProgress ? { onProgress } : {});
  } catch (error) {
    throw asEngineError(error);
  }
}

/**
 * The pack's data files (src/pipeline/packData.ts) from the cache: each read takes only the stored
 * chunks holding its range, checked as `loadModelRole`'s reads are, so a 1 GiB embedding table is
 * never one buffer.
 */
export function packData(pack: ModelPack): PackData {
  return {
    async readData(role, offset, length) {
      try {
        return await modelStore().readRange(pack.manifest.name, fileFor(pack.manifest, role).path, offset, length);
      } catch (error) {
        throw asEngineError(error);
      }
    },
  };
}

/** Cache errors keep their words; the engine's code says the model is unavailable, the detail which cache code. */
function asEngineError(error: unknown): unknown {
  if (!(error instanceof CacheError)) return error;
  return new EngineError('model-unavailable', error.message, { detail: `${error.name}: ${error.code}`, cause: error });
}
