/** Why an uploaded or given file could not be used; callers switch on `code`, messages say what to do. */
export type MediaInputErrorCode =
  /** The file type is not one Tessera reads (the message lists the ones it does). */
  | 'unsupported-format'
  /** The file claims a known type but its contents are broken or use a feature not supported. */
  | 'unreadable'
  /** Too many pixels or frames to hold in memory. */
  | 'too-large'
  /** The decoder for this type is missing here (no ffmpeg for the CLI, no WebCodecs decoder in the browser). */
  | 'decoder-missing';

export class MediaInputError extends Error {
  override readonly name = 'MediaInputError';

  constructor(
    readonly code: MediaInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The formats both the CLI and the browser read, for messages. */
export const READABLE_FORMATS = 'PNG, JPEG or WebP images, MP4 or Y4M videos';
