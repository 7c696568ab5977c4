/**
 * A PNG's IHDR, read and checked before any image data is touched: the size decides whether the
 * file is refused (mediaLimits.ts), and the exact byte count its image data may inflate to, so a
 * compressed stream that lies about its length cannot grow memory past what the header allows.
 */
import { MediaInputError } from './mediaInputError';

/** The fields of IHDR that decide how the image data is laid out. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16 (which ones depends on the colour type). */
  readonly bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colourType: number;
  /** Samples per pixel for the colour type. */
  readonly channels: number;
  /** Bytes of one unfiltered row. */
  readonly rowBytes: number;
  /** Exactly what the image data inflates to: every row plus its filter byte. */
  readonly inflatedBytes: number;
}

/** The PNG file signature. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Samples per pixel, and the bit depths the PNG specification allows, for each colour type. */
const COLOUR_TYPES: Record<number, { channels: number; depths: readonly number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Reads the IHDR chunk, which the specification puts first. Throws MediaInputError('unreadable')
 * naming the field for a file that is not a PNG, a missing or short IHDR, a colour type or bit
 * depth outside the specification, or interlacing (which Tessera does not read). Size limits are
 * the caller's (checkSourceSize).
 */
export function readPngHeader(bytes: Uint8Array, what: string): PngHeader {
  const fail = (why: string): never => {
    throw new MediaInputError('unreadable', `${what} cannot be read: ${why}`);
  };
  if (!isPng(bytes)) fail('it is not a PNG file');
  if (bytes.length < 33) fail('it is cut short before the end of its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') fail('its first chunk is not a 13-byte IHDR header');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [bitDepth, colourType, compression, filter, interlace] = [bytes[24]!, bytes[25]!, bytes[26]!, bytes[27]!, bytes[28]!];
  const format = COLOUR_TYPES[colourType];
  if (!format || !format.depths.includes(bitDepth)) fail(`colour type ${colourType} at bit depth ${bitDepth} is not a PNG format`);
  if (compression !== 0 || filter !== 0) fail(`compression method ${compression} and filter method ${filter} are not PNG's (0 and 0)`);
  if (interlace === 1) fail('it is interlaced; save it without interlacing');
  if (interlace !== 0) fail(`interlace method ${interlace} is not 0 or 1`);
  const { channels } = format!;
  const rowBytes = Math.ceil((width * channels * bitDepth) / 8);
  return { width, height, bitDepth, colourType, channels, rowBytes, inflatedBytes: height * (rowBytes + 1) };
}
