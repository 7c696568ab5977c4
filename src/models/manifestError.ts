/** Why a model-pack manifest was refused; the UI and CLI switch on this, never on the message. */
export type ManifestErrorCode =
  | 'not-object'
  | 'wrong-format'
  | 'unsupported-version'
  | 'missing-field'
  | 'wrong-type'
  | 'invalid-value'
  | 'unsafe-path'
  | 'bad-sha256'
  | 'too-large'
  | 'missing-role'
  | 'duplicate'
  | 'invalid-frame-count'
  | 'invalid-size'
  /** JSON nested deeper than `MAX_JSON_DEPTH` (jsonDepth.ts). */
  | 'too-deep'
  /** A size × frame count (or the text encoder) needs more compute or memory than computeBounds.ts allows. */
  | 'exceeds-limit';

/** Longest field name kept: a path is short unless a hostile key makes it long. */
const MAX_FIELD_CHARS = 120;

/**
 * A manifest that breaks docs/model-pack.md. The message names the field (a JSON path such as
 * `files[2].sha256`, or `video.sizes.16:9 × video.frameCounts[4]` for a combination), the value
 * received and what is allowed.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly field: string;

  constructor(
    readonly code: ManifestErrorCode,
    field: string,
    message: string,
  ) {
    const shown = field.length > MAX_FIELD_CHARS ? `${field.slice(0, MAX_FIELD_CHARS - 3)}...` : field;
    super(`manifest ${shown}: ${message}`);
    this.field = shown;
  }
}
