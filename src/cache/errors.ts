/**
 * Why the weight cache refused or failed. The UI and the engine switch on `code` (never on the
 * message or `instanceof`, which do not survive the worker boundary); messages name the file, the
 * value seen and what a person can do about it.
 */
export type CacheErrorCode =
  | 'invalid-url'
  | 'fetch-failed'
  | 'http-status'
  | 'html-instead-of-file'
  | 'not-json'
  | 'size-mismatch'
  | 'bad-range'
  | 'integrity'
  | 'quota'
  | 'quota-exceeded'
  | 'requirements'
  | 'not-installed'
  | 'corrupt'
  | 'aborted'
  | 'storage-unavailable'
  | 'no-manifest'
  | 'folder-mismatch'
  | 'folder-source'
  | 'name-taken'
  | 'unreadable';

/** Base class of every error the cache throws. */
export class CacheError extends Error {
  override name = 'CacheError';

  constructor(
    readonly code: CacheErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The network, the server or CORS kept a file or manifest from arriving intact. */
export class DownloadError extends CacheError {
  override name = 'DownloadError';

  constructor(
    code: Extract<CacheErrorCode, 'invalid-url' | 'fetch-failed' | 'http-status' | 'html-instead-of-file' | 'not-json' | 'size-mismatch' | 'bad-range' | 'aborted'>,
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Bytes that do not hash to the manifest's sha256, after the cache re-fetched what it could. */
export class IntegrityError extends CacheError {
  override name = 'IntegrityError';

  constructor(
    message: string,
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
    /** The chunk that failed its own hash; null when the whole file failed. */
    readonly chunk: number | null = null,
  ) {
    super('integrity', message);
  }
}

/** Not enough storage: before a download (`quota`) or while writing (`quota-exceeded`). */
export class StorageQuotaError extends CacheError {
  override name = 'StorageQuotaError';

  constructor(
    code: 'quota' | 'quota-exceeded' | 'storage-unavailable',
    message: string,
    readonly neededBytes: number,
    readonly availableBytes: number | null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The pack asks for more than this device offers (buffer sizes, shader-f16, memory). */
export class PackRequirementsError extends CacheError {
  override name = 'PackRequirementsError';

  constructor(readonly problems: readonly string[]) {
    super('requirements', `This model pack cannot run on this device. ${problems.join(' ')}`);
  }
}

/**
 * A pack folder opened from disk that cannot be copied into the cache: no manifest.json
 * (`no-manifest`), files missing, of the wrong size or not in the manifest (`folder-mismatch`, one
 * line per file in `problems`), a name already used by a pack from a URL (`name-taken`), a file
 * that could no longer be read (`unreadable`), or a folder pack asked to resume from the network
 * (`folder-source`).
 */
export class PackFolderError extends CacheError {
  override name = 'PackFolderError';

  constructor(
    code: Extract<CacheErrorCode, 'no-manifest' | 'not-json' | 'folder-mismatch' | 'folder-source' | 'name-taken' | 'unreadable'>,
    message: string,
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A file was asked for that is not completely and verifiably in the cache. */
export class PackNotInstalledError extends CacheError {
  override name = 'PackNotInstalledError';

  constructor(
    code: 'not-installed' | 'corrupt',
    message: string,
    readonly pack: string,
  ) {
    super(code, message);
  }
}

/** True for the DOMException IndexedDB raises when the origin's quota is used up. */
export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  const inner = (error as { cause?: unknown }).cause;
  return name === 'QuotaExceededError' || (inner !== undefined && isQuotaExceeded(inner));
}
