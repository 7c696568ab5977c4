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
  | 'invalid-size';

/**
 * A manifest that breaks docs/model-pack.md. The message names the field (a JSON path such as
 * `files[2].sha256`), the value received and what is allowed.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';

  constructor(
    readonly code: ManifestErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(`manifest ${field}: ${message}`);
  }
}

/** A short, safe rendering of any JSON value for error messages (never megabytes of vocab). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
