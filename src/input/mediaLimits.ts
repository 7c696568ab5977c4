/**
 * How much of a user's file Tessera will decode, in one place. Every input is centre-cropped and
 * resampled to the model's size (a few hundred pixels a side), so these are far above what a real
 * picture or clip needs and low enough that a small hostile file (a 97 KB PNG that says
 * 10000×10000) is refused from its header, before anything is inflated or allocated.
 */
import { MediaInputError } from './mediaInputError';

/** Largest frame accepted, in pixels: 8K UHD (33.2 MP, 133 MB as RGBA). */
export const MAX_SOURCE_PIXELS = 7680 * 4320;
/**
 * Longest side accepted, in pixels: wider than any camera or 8K frame, and within every browser's
 * canvas side limit, so a 1×33-million strip cannot pass the pixel limit alone.
 */
export const MAX_SOURCE_SIDE = 16384;
/** Longest source accepted, in frames at the pack's rate (a minute at 8 fps). */
export const MAX_SOURCE_FRAMES = 480;
/**
 * Most frames a .y4m file may hold before frames are picked at the pack's rate: two minutes at
 * 60 fps. A longer file is refused while its frames are counted, so a file of millions of 1×1
 * frames never builds millions of offsets.
 */
export const MAX_FILE_FRAMES = 7200;
/** Longest .y4m header line, in bytes: real headers are under 100. */
export const MAX_Y4M_HEADER_BYTES = 4096;
/**
 * Largest .png or .y4m file the CLI reads whole into memory (1 GiB): Node refuses more than 2 GiB
 * anyway, with an error that names no file. Videos in containers stream through ffmpeg instead.
 */
export const MAX_WHOLE_FILE_BYTES = 1024 ** 3;

/** Refuses empty frames, and frames over MAX_SOURCE_PIXELS or MAX_SOURCE_SIDE, with a message naming the size. */
export function checkSourceSize(width: number, height: number, what: string): void {
  if (!(width > 0 && height > 0)) throw new MediaInputError('unreadable', `${what} has no pixels (${width}x${height})`);
  if (width * height > MAX_SOURCE_PIXELS || width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE) {
    throw new MediaInputError(
      'too-large',
      `${what} is ${width}x${height}; Tessera reads frames up to 8K (${MAX_SOURCE_PIXELS} pixels, at most ${MAX_SOURCE_SIDE} a side). Scale it down first.`,
    );
  }
}

/** Refuses a file over MAX_WHOLE_FILE_BYTES before it is read. */
export function checkWholeFileSize(bytes: number, what: string): void {
  if (bytes > MAX_WHOLE_FILE_BYTES) {
    throw new MediaInputError(
      'too-large',
      `${what} is ${bytes} bytes; Tessera reads .png and .y4m files up to ${MAX_WHOLE_FILE_BYTES} bytes (1 GiB). Convert a long clip to MP4, or shorten it.`,
    );
  }
}
