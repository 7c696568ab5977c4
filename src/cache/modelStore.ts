/**
 * The model store: installs packs (download, resume, verify), lists them with their status, reads
 * complete files back for onnxruntime, and deletes them. One instance per context (page or worker);
 * both see the same IndexedDB, and a Web Lock per pack keeps two contexts from writing one pack at
 * once.
 */
import type { Manifest, ManifestFile } from '../models/manifest';
import { memoryBackend, type CacheBackend } from './backend';
import { downloadFile, toBytes, type DownloadNote } from './downloader';
import { CacheError, DownloadError, isQuotaExceeded, PackFolderError, PackNotInstalledError, PackRequirementsError, StorageQuotaError } from './errors';
import { folderFetch } from './folderFetch';
import { manifestUrlFor, type Fetch } from './http';
import { hasIndexedDb, idbBackend } from './idbBackend';
import { fetchManifest, parseFetchedManifest, type FetchedManifest } from './manifestFetch';
import { folderCopyError, isFolderSource, type PackFolder } from './packFolder';
import { FileProgress, type ModelProgress, type ProgressCallback } from './progress';
import { checkQuota, requestPersistence } from './quota';
import {
  chunkKey,
  DEFAULT_CHUNK_BYTES,
  emptyFileRecord,
  fileKey,
  MAX_CHUNK_BYTES,
  PACK_PREFIX,
  packKey,
  packStatus,
  recordMatches,
  storedBytes,
  type FileRecord,
  type FileState,
  type PackRecord,
  type PackStatus,
} from './records';
import { packProblems, type DeviceLimits } from './requirements';
import { StreamingSha256, sha256Hex } from './sha256';

/** One installed (or partly installed) pack, as the Models panel shows it. */
export interface PackInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly sourceUrl: string;
  readonly status: PackStatus;
  readonly totalBytes: number;
  readonly storedBytes: number;
  readonly files: readonly { readonly path: string; readonly role: string; readonly bytes: number; readonly storedBytes: number; readonly state: FileState }[];
}

export interface InstallOptions {
  readonly onProgress?: ProgressCallback;
  readonly onNote?: (note: DownloadNote) => void;
  readonly signal?: AbortSignal;
  /** The device to check the pack's requirements against; null skips the check (CLI, tests). */
  readonly limits?: DeviceLimits | null;
  /** Check `navigator.storage.estimate()` first (default true). */
  readonly checkQuota?: boolean;
  /** Chunk size for files whose manifest entry has no per-chunk hashes (default 16 MiB, at most 64 MiB). */
  readonly chunkBytes?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
}

export interface ReadOptions {
  readonly onProgress?: ProgressCallback;
}

export class ModelStore {
  private readonly fetch: Fetch | undefined;

  constructor(
    readonly backend: CacheBackend = defaultBackend(),
    options: { fetch?: Fetch } = {},
  ) {
    this.fetch = options.fetch;
  }

  /** Every pack with a record, complete or not, by name. */
  async list(): Promise<PackInfo[]> {
    const names = (await this.backend.keys()).filter((k) => k.startsWith(PACK_PREFIX)).map((k) => k.slice(PACK_PREFIX.length));
    const infos = await Promise.all(names.sort().map((name) => this.info(name)));
    return infos.filter((info): info is PackInfo => info !== null);
  }

  /** One pack's status, or null when nothing of it is stored. */
  async info(name: string): Promise<PackInfo | null> {
    const pack = await this.backend.get<PackRecord>(packKey(name));
    if (!pack) return null;
    const records = await this.fileRecords(pack);
    return {
      name: pack.name,
      version: pack.version,
      description: pack.description,
      sourceUrl: pack.sourceUrl,
      status: packStatus(records),
      totalBytes: pack.totalBytes,
      storedBytes: records.reduce((sum, r) => sum + (r ? storedBytes(r) : 0), 0),
      files: pack.files.map((path, i) => {
        const record = records[i];
        return { path, role: record?.role ?? '?', bytes: record?.bytes ?? 0, storedBytes: record ? storedBytes(record) : 0, state: record?.state ?? 'partial' };
      }),
    };
  }

  /** The stored manifest of a pack (parsed again: the parser is the authority). */
  async manifest(name: string): Promise<Manifest> {
    const pack = await this.backend.get<PackRecord>(packKey(name));
    if (!pack) throw new PackNotInstalledError('not-installed', `Model pack "${name}" is not installed.`, name);
    return parseFetchedManifest(pack.manifestJson, pack.sourceUrl);
  }

  /**
   * Downloads and validates a manifest without installing anything (for "Add model from URL");
   * `retry` words the next step after a network failure (see fetchManifest).
   */
  fetchManifest(url: string, options: { signal?: AbortSignal; retry?: string } = {}): Promise<FetchedManifest> {
    return fetchManifest(url, { ...options, ...(this.fetch ? { fetch: this.fetch } : {}) });
  }

  /**
   * Installs the pack whose manifest is at `url`, or resumes it: files already complete are not
   * fetched again, partial files continue from their stored chunks.
   * @throws ManifestError, DownloadError, PackRequirementsError, StorageQuotaError, IntegrityError
   */
  async install(url: string, options: InstallOptions = {}): Promise<PackInfo> {
    return this.installFetched(await this.fetchManifest(url, { signal: options.signal }), options);
  }

  /** Continues a partial pack from its stored manifest (no manifest request). */
  async resume(name: string, options: InstallOptions = {}): Promise<PackInfo> {
    const pack = await this.backend.get<PackRecord>(packKey(name));
    if (!pack) throw new PackNotInstalledError('not-installed', `Model pack "${name}" is not installed; add it from its URL.`, name);
    if (isFolderSource(pack.sourceUrl)) {
      throw new PackFolderError('folder-source', `Model pack "${name}" was opened from a folder on this computer; open that folder again (Open pack folder) to finish copying it.`);
    }
    const manifest = parseFetchedManifest(pack.manifestJson, pack.sourceUrl);
    return this.installFetched({ manifest, json: pack.manifestJson, url: pack.sourceUrl }, options);
  }

  /**
   * Copies a pack folder opened from disk (checked by readPackFolder) into the cache through the
   * downloader, so every chunk and file is verified as a download's is; a folder opened again
   * continues from the chunks already copied. Refused when a pack of that name came from a URL.
   * @throws PackFolderError, PackRequirementsError, StorageQuotaError, IntegrityError (the file named)
   */
  async importFolder(folder: PackFolder, options: InstallOptions = {}): Promise<PackInfo> {
    const { name } = folder.fetched.manifest;
    const existing = await this.backend.get<PackRecord>(packKey(name));
    if (existing && !isFolderSource(existing.sourceUrl)) {
      throw new PackFolderError(
        'name-taken',
        `A pack named "${name}" is already installed from ${existing.sourceUrl}. Delete it in Models first, or give the folder's pack another name in its manifest.json.`,
      );
    }
    try {
      return await this.installFetched(folder.fetched, options, folderFetch(folder.blobs));
    } catch (error) {
      throw folderCopyError(error, folder);
    }
  }

  /**
   * The pack at `url`, installed: network first for the manifest (to pick up a new version), but a
   * complete pack installed from the same URL is used as it is when the network fails (offline).
   */
  async ensure(url: string, options: InstallOptions = {}): Promise<{ manifest: Manifest; info: PackInfo }> {
    let fetched: FetchedManifest;
    try {
      fetched = await this.fetchManifest(url, { signal: options.signal });
    } catch (error) {
      const offline = error instanceof DownloadError && (error.code === 'fetch-failed' || error.code === 'http-status' || error.code === 'html-instead-of-file');
      const installed = offline ? await this.findComplete(url) : null;
      if (!installed) throw error;
      options.onProgress?.({ status: 'ready', pack: installed.name, file: 'manifest.json', source: 'cache', loaded: installed.totalBytes, total: installed.totalBytes, rate: 0, eta: 0 });
      return { manifest: await this.manifest(installed.name), info: installed };
    }
    const info = await this.installFetched(fetched, options);
    return { manifest: fetched.manifest, info };
  }

  /** A complete pack installed from `url` (a manifest or folder URL), if any. */
  private async findComplete(url: string): Promise<PackInfo | null> {
    const manifestUrl = manifestUrlFor(url);
    return (await this.list()).find((p) => p.status === 'complete' && p.sourceUrl === manifestUrl) ?? null;
  }

  /** `fetch` serves the pack's files: the network, or an opened folder's blobs. */
  private async installFetched({ manifest, json, url }: FetchedManifest, options: InstallOptions, fetch: Fetch | undefined = this.fetch): Promise<PackInfo> {
    try {
      return await this.installLocked({ manifest, json, url }, { ...options, onProgress: (event) => (options.onProgress?.(event), announce({ type: 'progress', event })) }, fetch);
    } finally {
      announce({ type: 'changed', pack: manifest.name });
    }
  }

  private async installLocked({ manifest, json, url }: FetchedManifest, options: InstallOptions, fetch: Fetch | undefined): Promise<PackInfo> {
    const problems = packProblems(manifest, options.limits ?? null);
    if (problems.length > 0) throw new PackRequirementsError(problems);
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(Number.isInteger(chunkBytes) && chunkBytes >= 64 && chunkBytes <= MAX_CHUNK_BYTES && chunkBytes % 64 === 0)) {
      throw new CacheError('invalid-url', `chunkBytes must be a multiple of 64 up to ${MAX_CHUNK_BYTES}; got ${chunkBytes}`);
    }
    return withPackLock(manifest.name, async () => {
      const { records, commit } = await this.prepare(manifest, json, url, chunkBytes);
      const needed = manifest.files.reduce((sum, f, i) => sum + f.bytes - storedBytes(records[i]!), 0);
      if (options.checkQuota !== false) await checkQuota(needed, manifest.name);
      if (needed > 0) await requestPersistence();
      await commit();
      for (const [i, file] of manifest.files.entries()) {
        await downloadFile(manifest.name, file as ManifestFile & { url: string }, records[i]!, {
          backend: this.backend,
          ...(fetch ? { fetch } : {}),
          ...pick(options, ['signal', 'onProgress', 'onNote', 'retries', 'retryDelayMs']),
        });
      }
      const info = (await this.info(manifest.name))!;
      options.onProgress?.({ status: 'ready', pack: manifest.name, file: 'manifest.json', source: 'network', loaded: info.totalBytes, total: info.totalBytes, rate: 0, eta: 0 });
      return info;
    });
  }

  /**
   * A record per file, keeping stored files that still match the manifest; `commit` then drops the
   * rest and writes the records (after the quota check, so a refused pack leaves nothing behind).
   */
  private async prepare(manifest: Manifest, json: unknown, url: string, chunkBytes: number): Promise<{ records: FileRecord[]; commit: () => Promise<void> }> {
    const old = await this.backend.get<PackRecord>(packKey(manifest.name));
    const existing = await this.backend.getMany<FileRecord>(manifest.files.map((f) => fileKey(manifest.name, f.path)));
    const stale: string[] = [];
    const records = manifest.files.map((file, i) => {
      const record = existing[i];
      if (record && recordMatches(record, file)) return { ...record, url: file.url! };
      if (record) stale.push(...chunkKeys(record));
      return emptyFileRecord(manifest.name, file as ManifestFile & { url: string }, chunkBytes);
    });
    for (const path of old?.files ?? []) {
      if (!manifest.files.some((f) => f.path === path)) {
        const record = await this.backend.get<FileRecord>(fileKey(manifest.name, path));
        stale.push(fileKey(manifest.name, path), ...(record ? chunkKeys(record) : []));
      }
    }
    const now = Date.now();
    const pack: PackRecord = {
      name: manifest.name,
      version: manifest.version,
      description: manifest.description,
      sourceUrl: url,
      manifestJson: json,
      files: manifest.files.map((f) => f.path),
      totalBytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0),
      installedAt: old?.installedAt ?? now,
      updatedAt: now,
    };
    const commit = async () => {
      if (stale.length > 0) await this.backend.deleteMany(stale);
      try {
        await this.backend.putMany([[packKey(pack.name), pack], ...records.map((r) => [fileKey(pack.name, r.path), r] as const)]);
      } catch (error) {
        if (!isQuotaExceeded(error)) throw error;
        throw new StorageQuotaError('quota-exceeded', `The browser's storage for this site is full; "${pack.name}" cannot be recorded. Delete packs you do not use in the Models panel, or free disk space.`, pack.totalBytes, 0, { cause: error });
      }
    };
    return { records, commit };
  }

  /**
   * Re-reads every stored chunk and checks it against the hash it arrived with and each file
   * against the manifest. Damaged chunks are dropped (Resume fetches just those); a file that fails
   * becomes `corrupt`, one that passes `complete`.
   */
  async verify(name: string, options: ReadOptions = {}): Promise<PackInfo> {
    await withPackLock(name, async () => {
      const pack = await this.backend.get<PackRecord>(packKey(name));
      if (!pack) throw new PackNotInstalledError('not-installed', `Model pack "${name}" is not installed.`, name);
      const manifest = parseFetchedManifest(pack.manifestJson, pack.sourceUrl);
      for (const record of await this.fileRecords(pack)) {
        if (record) await this.verifyFile(record, manifest, options.onProgress);
      }
    });
    announce({ type: 'changed', pack: name });
    return (await this.info(name))!;
  }

  private async verifyFile(record: FileRecord, manifest: Manifest, onProgress: ProgressCallback | undefined): Promise<void> {
    const file = manifest.files.find((f) => f.path === record.path);
    const progress = new FileProgress(onProgress, { pack: record.pack, file: record.path, source: 'cache', total: record.bytes });
    progress.initiate();
    const hasher = await StreamingSha256.create();
    const chunks = [...record.chunks];
    let goodPrefix = 0;
    let prefixState = hasher.state();
    let intact = true;
    let loaded = 0;
    // `intact` stays true only while every chunk so far is present and sound.
    for (let i = 0; i < chunks.length; i++) {
      const entry = chunks[i];
      const data = entry ? await toBytes(await this.backend.get(chunkKey(record.pack, record.path, i))) : null;
      const sha = data ? await sha256Hex(data) : null;
      const expected = file?.chunks?.sha256[i] ?? entry?.sha256;
      if (!data || !entry || data.length !== entry.bytes || sha !== expected) {
        if (entry) chunks[i] = null;
        intact = false;
        continue;
      }
      loaded += data.length;
      progress.update(loaded);
      if (intact) {
        if (chunks.length > 1) await hasher.updateInSlices(data);
        goodPrefix = i + 1;
        prefixState = hasher.state();
      }
    }
    const whole = chunks.length > 1 ? hasher.hex() : chunks[0]?.sha256;
    const complete = intact && whole === record.sha256;
    // Corrupt: a stored chunk was damaged (now, or already on a read that dropped it: the record
    // says corrupt), or every chunk is there and the whole still fails. Only Resume clears it.
    const damaged = record.state === 'corrupt' || record.chunks.some((c, i) => c !== null && chunks[i] === null);
    const state: FileState = complete ? 'complete' : damaged || goodPrefix === chunks.length ? 'corrupt' : 'partial';
    const next: FileRecord = {
      ...record,
      chunks,
      hashed: complete ? chunks.length : goodPrefix,
      hashState: chunks.length > 1 ? (complete ? hasher.state() : prefixState) : null,
      state,
    };
    await this.backend.putMany([[fileKey(record.pack, record.path), next]]);
    progress.done();
  }

  /** Removes a pack and all its chunks. */
  async delete(name: string): Promise<void> {
    await withPackLock(name, async () => {
      const prefixes = [packKey(name), `file/${name}/`, `chunk/${name}/`];
      const keys = (await this.backend.keys()).filter((k) => k === prefixes[0] || k.startsWith(prefixes[1]!) || k.startsWith(prefixes[2]!));
      await this.backend.deleteMany(keys);
    });
    announce({ type: 'changed', pack: name });
  }

  /**
   * A complete file's bytes, read chunk by chunk into one buffer (no second copy is held). Each
   * chunk is checked against the sha256 it was stored with (which matched the manifest's per-chunk
   * hash, or belongs to bytes whose whole-file hash matched), so bytes damaged in storage, even
   * without a change of length, never reach onnxruntime. Hashing one chunk overlaps reading the
   * next; the cost is measured in docs/model-pack.md (Integrity).
   * @throws PackNotInstalledError when the file is not complete, or a chunk is missing or damaged
   *   (the file is then marked corrupt, so Resume fetches that chunk again)
   */
  async readFile(name: string, path: string, options: ReadOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
    const record = await this.completeRecord(name, path);
    const progress = new FileProgress(options.onProgress, { pack: name, file: path, source: 'cache', total: record.bytes });
    progress.initiate();
    const out = new Uint8Array(record.bytes);
    let offset = 0;
    const fetchChunk = (i: number) => this.backend.get(chunkKey(name, path, i)).then(toBytes);
    let next = fetchChunk(0);
    for (let i = 0; i < record.chunks.length; i++) {
      const data = await next;
      // Start the next read while this chunk is hashed and copied.
      if (i + 1 < record.chunks.length) next = fetchChunk(i + 1);
      const stored = record.chunks[i];
      if (!data || data.length !== stored?.bytes || offset + data.length > out.length) throw await this.badChunk(record, i, 'is missing from storage', next);
      if ((await sha256Hex(data)) !== stored.sha256) {
        throw await this.badChunk(record, i, 'is damaged in storage (its bytes no longer match the sha256 they were stored with)', next);
      }
      out.set(data, offset);
      offset += data.length;
      progress.update(offset);
    }
    progress.done();
    return out;
  }

  /**
   * `length` bytes of a complete file from `offset`, reading only the chunks that hold them, each
   * checked against its stored sha256 as `readFile` does; for files too large to hold whole (an
   * embedding table read a few rows at a time).
   * @throws RangeError for a range outside the file; PackNotInstalledError as `readFile`
   */
  async readRange(name: string, path: string, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const record = await this.completeRecord(name, path);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > record.bytes) {
      throw new RangeError(`bytes ${offset}..${offset + length} are outside ${path} (${record.bytes} bytes)`);
    }
    const out = new Uint8Array(length);
    const first = Math.floor(offset / record.chunkBytes);
    for (let i = first; i * record.chunkBytes < offset + length; i++) {
      const data = await toBytes(await this.backend.get(chunkKey(name, path, i)));
      const stored = record.chunks[i];
      if (!data || data.length !== stored?.bytes) throw await this.badChunk(record, i, 'is missing from storage', Promise.resolve());
      if ((await sha256Hex(data)) !== stored.sha256) {
        throw await this.badChunk(record, i, 'is damaged in storage (its bytes no longer match the sha256 they were stored with)', Promise.resolve());
      }
      const chunkStart = i * record.chunkBytes;
      const from = Math.max(offset, chunkStart);
      const to = Math.min(offset + length, chunkStart + data.length);
      out.set(data.subarray(from - chunkStart, to - chunkStart), from - offset);
    }
    return out;
  }

  /** The record of a file whose every chunk is stored and checked. */
  private async completeRecord(name: string, path: string): Promise<FileRecord> {
    const record = await this.backend.get<FileRecord>(fileKey(name, path));
    if (!record || record.state !== 'complete') {
      const why = !record ? 'is not installed' : record.state === 'corrupt' ? 'is damaged; press Verify, then Resume' : 'is only partly downloaded; press Resume';
      throw new PackNotInstalledError(record?.state === 'corrupt' ? 'corrupt' : 'not-installed', `${path} of model pack "${name}" ${why}.`, name);
    }
    return record;
  }

  /**
   * Drops a chunk found missing or damaged on read and marks its file corrupt (Verify and Resume
   * then fetch just that chunk); returns the error to throw. `pending` is the read already started.
   */
  private async badChunk(record: FileRecord, index: number, problem: string, pending: Promise<unknown>): Promise<PackNotInstalledError> {
    pending.catch(() => undefined);
    const chunks = record.chunks.map((c, j) => (j === index ? null : c));
    await this.backend.putMany([[fileKey(record.pack, record.path), { ...record, chunks, hashed: 0, hashState: null, state: 'corrupt' } satisfies FileRecord]]);
    // The Models panel (another context when the engine worker read it) shows the pack damaged.
    announce({ type: 'changed', pack: record.pack });
    return new PackNotInstalledError('corrupt', `Chunk ${index} of ${record.path} in model pack "${record.pack}" ${problem}; press Resume to fetch it again.`, record.pack);
  }

  private async fileRecords(pack: PackRecord): Promise<(FileRecord | undefined)[]> {
    return this.backend.getMany<FileRecord>(pack.files.map((path) => fileKey(pack.name, path)));
  }
}

function chunkKeys(record: FileRecord): string[] {
  return record.chunks.map((_, i) => chunkKey(record.pack, record.path, i));
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** IndexedDB where the context has it; otherwise memory, with a warning (nothing survives a reload). */
export function defaultBackend(): CacheBackend {
  if (hasIndexedDb()) return idbBackend();
  console.warn('tessera: IndexedDB is unavailable here; model packs are kept in memory only and will be downloaded again next time.');
  return memoryBackend();
}

/** What every store posts on `MODELS_CHANNEL`, so a page sees what its engine worker installs. */
export type StoreAnnouncement = { readonly type: 'changed'; readonly pack: string } | { readonly type: 'progress'; readonly event: ModelProgress };

/** The BroadcastChannel name stores announce changes and progress on. */
export const MODELS_CHANNEL = 'tessera-models';

let channel: BroadcastChannel | null | undefined;

function announce(message: StoreAnnouncement): void {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(MODELS_CHANNEL);
    // Node (unit tests, CLI) would otherwise stay alive for the channel.
    (channel as { unref?: () => void } | null)?.unref?.();
  }
  try {
    channel?.postMessage(message);
  } catch {
    // A closed channel (page unloading) loses the announcement; nothing depends on it.
  }
}

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Runs `fn` holding the pack's Web Lock (shared by the page and its workers); directly where there are no locks. */
export function withPackLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks ? locks.request(`tessera-pack:${name}`, fn) : fn();
}
