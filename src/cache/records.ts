/**
 * What the cache stores about each pack and file, and the keys it stores them under. Records are
 * plain data. A file's chunks are written together with the record that lists them (one atomic
 * `putMany`), so a record never points at a chunk that is not there.
 */
import { MAX_CHUNK_BYTES, type ManifestFile } from '../models/manifest';
import type { Sha256State } from './sha256';

/** The largest chunk the cache stores or requests in one Range request (64 MiB). */
export { MAX_CHUNK_BYTES };
/** Default chunk size: small enough to resume cheaply and to keep one chunk in memory, large enough to keep requests few. */
export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

export type FileState = 'partial' | 'complete' | 'corrupt';
export type PackStatus = 'complete' | 'partial' | 'corrupt';

/** One stored chunk: its length and the sha256 computed when it arrived. */
export interface ChunkRecord {
  readonly bytes: number;
  readonly sha256: string;
}

export interface FileRecord {
  readonly pack: string;
  readonly path: string;
  readonly role: ManifestFile['role'];
  readonly of?: ManifestFile['of'];
  readonly url: string;
  readonly bytes: number;
  /** The manifest's whole-file sha256. */
  readonly sha256: string;
  readonly chunkBytes: number;
  /** One entry per chunk; null while missing or after a failed check. */
  readonly chunks: readonly (ChunkRecord | null)[];
  /** How many leading chunks `hashState` covers (the whole-file hash is computed in order). */
  readonly hashed: number;
  /** Records saved before hash-wasm hold the old `{h, length, tail}` here; the downloader rehashes those from their chunks. */
  readonly hashState: Sha256State | null;
  /** `complete` only after the whole file matched the manifest's sha256. */
  readonly state: FileState;
}

export interface PackRecord {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** The manifest URL the pack was installed from. */
  readonly sourceUrl: string;
  /** The manifest as fetched (parsed again on read: the parser is the authority). */
  readonly manifestJson: unknown;
  readonly files: readonly string[];
  readonly totalBytes: number;
  readonly installedAt: number;
  readonly updatedAt: number;
}

export const packKey = (pack: string): string => `pack/${pack}`;
export const fileKey = (pack: string, path: string): string => `file/${pack}/${path}`;
export const chunkKey = (pack: string, path: string, index: number): string => `chunk/${pack}/${path}#${index}`;
export const PACK_PREFIX = 'pack/';

/** Number of chunks a file of `bytes` splits into. */
export function chunkCount(bytes: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(bytes / chunkBytes));
}

/** Byte range [start, end] (inclusive, as in a Range header) of chunk `index`. */
export function chunkRange(bytes: number, chunkBytes: number, index: number): { start: number; end: number } {
  const start = index * chunkBytes;
  return { start, end: Math.min(start + chunkBytes, bytes) - 1 };
}

/** A fresh record for a file nothing of which is stored yet. */
export function emptyFileRecord(pack: string, file: ManifestFile & { url: string }, chunkBytes: number): FileRecord {
  const size = file.chunks?.bytes ?? chunkBytes;
  return {
    pack,
    path: file.path,
    role: file.role,
    ...(file.of ? { of: file.of } : {}),
    url: file.url,
    bytes: file.bytes,
    sha256: file.sha256,
    chunkBytes: size,
    chunks: new Array<ChunkRecord | null>(chunkCount(file.bytes, size)).fill(null),
    hashed: 0,
    hashState: null,
    state: 'partial',
  };
}

/** Bytes of a file that are stored and passed their arrival check. */
export function storedBytes(record: FileRecord): number {
  return record.state === 'complete' ? record.bytes : record.chunks.reduce((sum, c) => sum + (c?.bytes ?? 0), 0);
}

/** A pack is complete only when every file is; corrupt when any file failed verification. */
export function packStatus(files: readonly (FileRecord | undefined)[]): PackStatus {
  if (files.some((f) => f?.state === 'corrupt')) return 'corrupt';
  return files.length > 0 && files.every((f) => f?.state === 'complete') ? 'complete' : 'partial';
}

/**
 * True when a stored record still describes the manifest's file: same bytes and hash, and the
 * manifest's chunking when it lists chunk hashes (otherwise the record keeps the chunk size it
 * started with, so a resume never throws away stored chunks).
 */
export function recordMatches(record: FileRecord, file: ManifestFile): boolean {
  return (
    record.bytes === file.bytes &&
    record.sha256 === file.sha256 &&
    (file.chunks === undefined || record.chunkBytes === file.chunks.bytes) &&
    record.chunkBytes > 0 &&
    record.chunkBytes <= MAX_CHUNK_BYTES &&
    record.chunks.length === chunkCount(file.bytes, record.chunkBytes)
  );
}
