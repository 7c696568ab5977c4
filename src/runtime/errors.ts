/** Why a model pack could not be loaded or run; callers switch on `code`. */
export type ModelLoadErrorCode =
  | 'missing-pack'
  | 'invalid-manifest'
  | 'missing-file'
  | 'size-mismatch'
  | 'checksum-mismatch'
  | 'invalid-model'
  | 'run-failed';

/** A pack that is missing, corrupt or fails to run; the message names the file. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';

  constructor(
    readonly code: ModelLoadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
