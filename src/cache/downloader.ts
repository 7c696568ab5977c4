/**
 * Downloads one file of a pack into the cache: one HTTP Range request per chunk (at most 64 MB),
 * each chunk stored with the record that lists it, the whole-file sha256 computed in order as
 * chunks arrive and the file marked complete only when it matches the manifest. A cut connection is
 * retried from the first chunk not yet stored; a later call (after a reload or a restart) resumes
 * the same way from the record. A server that ignores Range gets one streamed full download,
 * chunked as it arrives. A chunk that fails its check is fetched again on its own; where the
 * manifest has no per-chunk hashes and the whole file fails, every chunk is fetched again once and
 * the ones that differ are replaced.
 */
import type { ManifestFile } from '../models/manifest';
import type { CacheBackend } from './backend';
import { formatBytes } from '../lib/formatBytes';
import { CacheError, DownloadError, IntegrityError, StorageQuotaError, isQuotaExceeded } from './errors';
import {
  explainFetchFailure,
  explainStatus,
  htmlError,
  isHtmlContentType,
  looksLikeHtml,
  readBodyInto,
  readBodyPart,
  retryableStatus,
  TruncatedBody,
  type Fetch,
} from './http';
import { FileProgress, type ProgressCallback } from './progress';
import { chunkKey, chunkRange, emptyFileRecord, fileKey, storedBytes, type ChunkRecord, type FileRecord } from './records';
import { StreamingSha256, sha256Hex } from './sha256';

/** Something worth knowing that did not stop the download (tests and logs read these). */
export type DownloadNote =
  | { readonly kind: 'retry'; readonly file: string; readonly chunk: number; readonly attempt: number; readonly reason: string }
  | { readonly kind: 'chunk-refetch'; readonly file: string; readonly chunk: number; readonly reason: string }
  | { readonly kind: 'range-ignored'; readonly file: string }
  | { readonly kind: 'recheck'; readonly file: string; readonly replaced: readonly number[] };

export interface DownloadOptions {
  readonly backend: CacheBackend;
  readonly fetch?: Fetch;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressCallback;
  readonly onNote?: (note: DownloadNote) => void;
  /** Retries of a chunk after a network failure before giving up (default 3). */
  readonly retries?: number;
  /** First pause before a retry, doubled each time (default 500 ms). */
  readonly retryDelayMs?: number;
}

/** The next step after a cut download: every pack with stored records has a Resume button in Models. */
const RESUME_HINT = 'press Resume; finished chunks are kept';

/** How many times a chunk that fails its hash is fetched again before the file is declared bad. */
const INTEGRITY_REFETCHES = 2;

/** A chunk whose bytes do not match its expected hash (internal: triggers a re-fetch). */
class ChunkMismatch extends Error {
  constructor(
    readonly chunk: number,
    readonly actual: string,
  ) {
    super(`chunk ${chunk} hashed to ${actual}`);
  }
}

/** A network failure worth retrying (internal). */
class Retryable extends Error {
  constructor(
    readonly reason: string,
    readonly publicError: CacheError,
  ) {
    super(reason);
  }
}

/** A chunk read from a 206 answer, or a 200 answer to stream whole. */
type Fetched = { readonly kind: 'chunk'; readonly data: Uint8Array<ArrayBuffer> } | { readonly kind: 'whole'; readonly response: Response };

type OnChunk = (index: number, data: Uint8Array<ArrayBuffer>, sha256: string) => Promise<void>;

/**
 * Brings one file to `complete`, resuming from `record`. Returns the final record.
 * @throws DownloadError, IntegrityError or StorageQuotaError; what was stored stays for a resume.
 */
export async function downloadFile(pack: string, file: ManifestFile & { url: string }, record: FileRecord, options: DownloadOptions): Promise<FileRecord> {
  return new FileDownload(pack, file, record, options).run();
}

class FileDownload {
  private record: FileRecord;
  /** Set by `startHash` before the first chunk. */
  private hasher!: StreamingSha256;
  private readonly fetch: Fetch;
  private readonly progress: FileProgress;
  private readonly count: number;
  /** Whole-file hash computed in JS only when there is more than one chunk. */
  private readonly streaming: boolean;
  private readonly what: string;
  /** The next chunk, downloading while the current one is hashed and stored. */
  private prefetched: { index: number; fetched: Promise<Fetched>; controller: AbortController } | null = null;

  constructor(
    private readonly pack: string,
    private readonly file: ManifestFile & { url: string },
    record: FileRecord,
    private readonly options: DownloadOptions,
  ) {
    const consistent = record.hashed === 0 || record.hashState !== null || record.chunks.length === 1;
    this.record = consistent ? record : { ...record, hashed: 0, hashState: null };
    this.count = record.chunks.length;
    this.streaming = this.count > 1;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.progress = new FileProgress(options.onProgress, { pack, file: file.path, source: 'network', total: file.bytes });
    this.what = `${file.path} of pack "${pack}"`;
  }

  async run(): Promise<FileRecord> {
    if (this.record.state === 'complete') return this.record;
    await this.startHash();
    this.progress.initiate(storedBytes(this.record));
    this.progress.download();
    try {
      let index = this.record.hashed;
      while (index < this.count) {
        if (this.record.chunks[index] && (await this.reuseStored(index))) {
          index++;
          continue;
        }
        index = await this.withRetries(index, (i, data, sha) => this.commit(i, data, sha));
      }
      if (!this.complete()) await this.recheck();
    } finally {
      this.dropPrefetch();
    }
    this.progress.done();
    return this.record;
  }

  /**
   * Continues the whole-file hash from the record's state, or, where that state cannot be loaded
   * (written by the earlier JavaScript hasher), starts it over: the stored chunks are read back
   * and hashed again by `reuseStored`, so nothing is downloaded twice.
   */
  private async startHash(): Promise<void> {
    const resumed = this.record.hashState === null ? null : await StreamingSha256.resume(this.record.hashState);
    if (this.record.hashState !== null && resumed === null) this.record = { ...this.record, hashed: 0, hashState: null };
    this.hasher = resumed ?? (await StreamingSha256.create());
  }

  private complete(): boolean {
    return this.record.state === 'complete';
  }

  /** The hash chunk `index` must have, where the manifest says (per-chunk hashes, or a one-chunk file). */
  private expectedChunkHash(index: number): string | null {
    if (this.file.chunks) return this.file.chunks.sha256[index] ?? null;
    return this.count === 1 ? this.file.sha256 : null;
  }

  /** Feeds a chunk already in storage into the whole-file hash; false when it is missing or damaged. */
  private async reuseStored(index: number): Promise<boolean> {
    const expected = this.record.chunks[index]!;
    const data = await toBytes(await this.options.backend.get(chunkKey(this.pack, this.file.path, index)));
    const { start, end } = chunkRange(this.file.bytes, this.record.chunkBytes, index);
    if (data && data.length === end - start + 1 && (await sha256Hex(data)) === expected.sha256) {
      await this.commit(index, data, expected.sha256, false);
      return true;
    }
    await this.save(index, null, null);
    return false;
  }

  /** Adds a verified chunk to the hash and stores it with the updated record in one write. */
  private async commit(index: number, data: Uint8Array<ArrayBuffer>, sha256: string, store = true): Promise<void> {
    if (this.streaming) await this.hasher.updateInSlices(data);
    const last = index === this.count - 1;
    const whole = last ? (this.streaming ? this.hasher.hex() : sha256) : null;
    const chunks = [...this.record.chunks];
    chunks[index] = { bytes: data.length, sha256 };
    this.record = {
      ...this.record,
      chunks,
      hashed: index + 1,
      hashState: this.streaming ? this.hasher.state() : null,
      state: whole === this.file.sha256 ? 'complete' : 'partial',
    };
    await this.write(store ? [[chunkKey(this.pack, this.file.path, index), toStored(data)]] : []);
    this.progress.update(storedBytes(this.record));
  }

  private async save(index: number, chunk: ChunkRecord | null, data: Uint8Array<ArrayBuffer> | null): Promise<void> {
    const chunks = [...this.record.chunks];
    chunks[index] = chunk;
    this.record = { ...this.record, chunks };
    await this.write(data ? [[chunkKey(this.pack, this.file.path, index), toStored(data)]] : []);
  }

  private async write(extra: [string, unknown][]): Promise<void> {
    try {
      await this.options.backend.putMany([...extra, [fileKey(this.pack, this.file.path), this.record]]);
    } catch (error) {
      if (isQuotaExceeded(error)) {
        throw new StorageQuotaError(
          'quota-exceeded',
          `The browser ran out of storage for model packs while saving ${this.what}. Nothing was marked complete. ` +
            'Delete packs you do not use in the Models panel, or free disk space, then press Resume.',
          this.file.bytes - storedBytes(this.record),
          null,
          { cause: error },
        );
      }
      throw new CacheError('storage-unavailable', `Could not save ${this.what} in the browser's storage: ${String(error)}`, { cause: error });
    }
  }

  /** Fetches from chunk `index` on, retrying network failures and chunks that fail their hash. */
  private async withRetries(index: number, onChunk: OnChunk): Promise<number> {
    const retries = this.options.retries ?? 3;
    const delay = this.options.retryDelayMs ?? 500;
    let next = index;
    let failures = 0;
    let mismatches = 0;
    for (;;) {
      try {
        return await this.fetchFrom(next, async (i, data, sha) => {
          await onChunk(i, data, sha);
          next = i + 1;
          failures = 0;
          mismatches = 0;
        });
      } catch (error) {
        if (error instanceof ChunkMismatch) {
          mismatches++;
          const expected = this.expectedChunkHash(error.chunk) ?? '';
          if (mismatches > INTEGRITY_REFETCHES) {
            throw new IntegrityError(
              `${this.what} chunk ${error.chunk} does not match the manifest's sha256 after ${mismatches} downloads: the server's file is not the one the manifest describes.`,
              this.file.path,
              expected,
              error.actual,
              error.chunk,
            );
          }
          this.options.onNote?.({ kind: 'chunk-refetch', file: this.file.path, chunk: error.chunk, reason: `sha256 ${error.actual} ≠ ${expected}` });
          continue;
        }
        if (!(error instanceof Retryable)) throw this.publicError(error);
        if (failures >= retries) throw error.publicError;
        failures++;
        this.options.onNote?.({ kind: 'retry', file: this.file.path, chunk: next, attempt: failures, reason: error.reason });
        await sleep(delay * 2 ** (failures - 1), this.options.signal).catch((abort: unknown) => {
          throw this.publicError(abort);
        });
      }
    }
  }

  private publicError(error: unknown): unknown {
    if (error instanceof CacheError) return error;
    if ((error as { name?: string }).name === 'AbortError' || this.options.signal?.aborted) {
      return new DownloadError('aborted', `Download of ${this.what} was paused; press Resume to continue.`, this.file.url);
    }
    return error;
  }

  /** One request for chunk `index`; returns the next chunk index to fetch. */
  private async fetchFrom(index: number, onChunk: OnChunk): Promise<number> {
    const got = await this.takeChunk(index);
    if (got.kind === 'whole') return this.streamWhole(got.response, index, onChunk);
    await this.checkChunk(index, got.data, onChunk, true);
    return index + 1;
  }

  /** Requests chunk `index` and reads its body; a 200 answer (Range ignored) is handed back unread. */
  private async readChunk(index: number, signal: AbortSignal | undefined): Promise<Fetched> {
    const { start, end } = chunkRange(this.file.bytes, this.record.chunkBytes, index);
    const response = await this.request(`bytes=${start}-${end}`, signal);
    if (response.status === 200) return { kind: 'whole', response };
    const data = new Uint8Array(end - start + 1);
    this.checkContentRange(response, start);
    const base = storedBytes(this.record);
    const received = await this.read(response, data, 0, (n) => this.progress.update(base + n));
    if (received > data.length) {
      throw new DownloadError('bad-range', `The server sent more bytes than asked for ${this.what} (range ${start}-${end}).`, this.file.url);
    }
    if (received < data.length) throw new Retryable(`connection closed after ${received} of ${data.length} bytes`, this.cutError());
    if (start === 0 && looksLikeHtml(data.subarray(0, 64))) throw htmlError(this.file.url, this.file.path);
    return { kind: 'chunk', data };
  }

  /** Chunk `index`: the one read ahead of time, or a new request. */
  private takeChunk(index: number): Promise<Fetched> {
    const ahead = this.prefetched;
    this.prefetched = null;
    if (ahead?.index === index) return ahead.fetched;
    ahead?.controller.abort();
    return this.readChunk(index, this.options.signal);
  }

  /**
   * Downloads chunk `index` while the previous one is hashed and stored, so the network and the
   * CPU overlap; at most one chunk is read ahead (two in memory). Its errors surface when taken.
   */
  private prefetch(index: number): void {
    if (index >= this.count || this.record.chunks[index] || this.options.signal?.aborted) return;
    const controller = new AbortController();
    this.options.signal?.addEventListener('abort', () => controller.abort(this.options.signal?.reason), { once: true });
    const fetched = this.readChunk(index, controller.signal);
    fetched.catch(() => undefined);
    this.prefetched = { index, fetched, controller };
  }

  private dropPrefetch(): void {
    this.prefetched?.controller.abort();
    this.prefetched = null;
  }

  /** The server ignored Range: read the whole body, skip what is stored, store the rest chunk by chunk. */
  private async streamWhole(response: Response, from: number, onChunk: OnChunk): Promise<number> {
    this.options.onNote?.({ kind: 'range-ignored', file: this.file.path });
    const encoded = response.headers.get('content-encoding');
    const length = response.headers.get('content-length');
    // Checked after the first bytes, so an HTML page is reported as such rather than as a wrong size.
    const wrongLength = length !== null && !encoded && Number(length) !== this.file.bytes;
    if (!response.body) throw new Retryable('empty body', this.cutError());
    const reader = response.body.getReader();
    let position = 0;
    let index = 0;
    let chunk: Uint8Array<ArrayBuffer> | null = null;
    let filled = 0;
    try {
      for (;;) {
        const part = await readBodyPart(reader, () => new Retryable(`connection closed after ${position} bytes of a full download`, this.cutError()));
        if (part.done) break;
        let bytes = part.value;
        if (position === 0 && looksLikeHtml(bytes.subarray(0, 64))) throw htmlError(this.file.url, this.file.path);
        if (position === 0 && wrongLength) throw this.sizeMismatch(Number(length));
        if (position + bytes.length > this.file.bytes) throw this.sizeMismatch(position + bytes.length);
        while (bytes.length > 0) {
          const { start, end } = chunkRange(this.file.bytes, this.record.chunkBytes, index);
          const size = end - start + 1;
          const take = Math.min(bytes.length, size - filled);
          if (index >= from) {
            chunk ??= new Uint8Array(size);
            chunk.set(bytes.subarray(0, take), filled);
          }
          filled += take;
          position += take;
          bytes = bytes.subarray(take);
          if (filled === size) {
            if (chunk) await this.checkChunk(index, chunk, onChunk);
            chunk = null;
            filled = 0;
            index++;
          } else if (index >= from) {
            this.progress.update(storedBytes(this.record) + filled);
          }
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    if (position < this.file.bytes) throw new Retryable(`connection closed after ${position} bytes of a full download`, this.cutError());
    return this.count;
  }

  private async checkChunk(index: number, data: Uint8Array<ArrayBuffer>, onChunk: OnChunk, prefetchNext = false): Promise<void> {
    const sha = await sha256Hex(data);
    const expected = this.expectedChunkHash(index);
    if (expected !== null && sha !== expected) throw new ChunkMismatch(index, sha);
    if (prefetchNext) this.prefetch(index + 1);
    await onChunk(index, data, sha);
  }

  private async request(range: string, signal: AbortSignal | undefined): Promise<Response> {
    signal?.throwIfAborted();
    let response: Response;
    try {
      response = await this.fetch(this.file.url, { headers: { Range: range }, cache: 'no-store', signal: signal ?? null });
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError' || signal?.aborted) throw error;
      throw new Retryable(`fetch failed: ${String(error)}`, new DownloadError('fetch-failed', explainFetchFailure(this.file.url, this.what, RESUME_HINT), this.file.url, { cause: error }));
    }
    if (isHtmlContentType(response.headers.get('content-type'))) {
      await response.body?.cancel().catch(() => undefined);
      throw htmlError(this.file.url, this.file.path);
    }
    if (response.status === 200 || response.status === 206) return response;
    await response.body?.cancel().catch(() => undefined);
    const error = new DownloadError(response.status === 416 ? 'size-mismatch' : 'http-status', explainStatus(response.status, this.file.url, this.what), this.file.url);
    if (retryableStatus(response.status)) throw new Retryable(`HTTP ${response.status}`, error);
    throw error;
  }

  /** Where the server says which range it sent (cross-origin servers may hide the header), it must be ours. */
  private checkContentRange(response: Response, start: number): void {
    const header = response.headers.get('content-range');
    if (header === null) return;
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
    if (!match || Number(match[1]) !== start) {
      throw new DownloadError('bad-range', `The server answered range "${header}" for ${this.what} when asked from byte ${start}.`, this.file.url);
    }
    if (match[3] !== '*' && Number(match[3]) !== this.file.bytes) throw this.sizeMismatch(Number(match[3]));
  }

  private async read(response: Response, target: Uint8Array, offset: number, onBytes: (n: number) => void): Promise<number> {
    try {
      return await readBodyInto(response, target, offset, onBytes);
    } catch (error) {
      if (error instanceof TruncatedBody) throw new Retryable(error.message, this.cutError());
      throw error;
    }
  }

  private cutError(): DownloadError {
    return new DownloadError('fetch-failed', explainFetchFailure(this.file.url, this.what, RESUME_HINT), this.file.url);
  }

  private sizeMismatch(serverBytes: number): DownloadError {
    return new DownloadError(
      'size-mismatch',
      `The server has ${formatBytes(serverBytes)} (${serverBytes} bytes) for ${this.what} but the manifest lists ${this.file.bytes} bytes: the pack on the server is inconsistent.`,
      this.file.url,
    );
  }

  /**
   * The whole file failed its hash though each chunk arrived intact as far as it could tell (no
   * per-chunk hashes in the manifest): fetch every chunk again, replace those that differ, and
   * accept the file only if the fresh bytes hash right. Otherwise start the file over next time.
   */
  private async recheck(): Promise<void> {
    const hasher = await StreamingSha256.create();
    const replaced: number[] = [];
    for (let index = 0; index < this.count; ) {
      index = await this.withRetries(index, async (i, data, sha) => {
        await hasher.updateInSlices(data);
        if (this.record.chunks[i]?.sha256 !== sha) {
          replaced.push(i);
          await this.save(i, { bytes: data.length, sha256: sha }, data);
        }
      });
    }
    this.options.onNote?.({ kind: 'recheck', file: this.file.path, replaced });
    const actual = hasher.hex();
    if (actual === this.file.sha256) {
      this.record = { ...this.record, hashed: this.count, hashState: hasher.state(), state: 'complete' };
      await this.write([]);
      return;
    }
    const keys = this.record.chunks.map((_, i) => chunkKey(this.pack, this.file.path, i));
    await this.options.backend.deleteMany(keys);
    this.record = emptyFileRecord(this.pack, this.file, this.record.chunkBytes);
    await this.write([]);
    throw new IntegrityError(
      `${this.what} does not match the manifest's sha256 even after downloading it again (expected ${this.file.sha256}, got ${actual}): the server's file is not the one the manifest describes.`,
      this.file.path,
      this.file.sha256,
      actual,
    );
  }
}

/**
 * How a chunk is stored: as a Blob, which Chromium keeps outside the page's heap and reads back
 * about twice as fast as an ArrayBuffer (measured: ~300 vs ~150 MB/s for 16 MB values).
 */
function toStored(data: Uint8Array<ArrayBuffer>): Blob {
  return new Blob([data]);
}

/** A stored chunk as bytes (a Blob, or an ArrayBuffer / Uint8Array from older records or the memory backend). */
export async function toBytes(value: unknown): Promise<Uint8Array<ArrayBuffer> | null> {
  if (typeof Blob !== 'undefined' && value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value instanceof Uint8Array) return value as Uint8Array<ArrayBuffer>;
  return null;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
