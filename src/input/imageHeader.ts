/**
 * An image's width and height from its first bytes, in pure code, for the browser: there
 * `createImageBitmap` decodes the whole image before its size can be asked, so a small file that
 * says 10000×10000 would cost 400 MB first. PNG, JPEG, WebP (lossy, lossless, extended), GIF, BMP.
 */
import { MediaInputError } from './mediaInputError';
import { checkSourceSize } from './mediaLimits';
import { isPng } from './pngHeader';

/** The size an image's header declares. */
export interface ImageSize {
  readonly format: 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';
  readonly width: number;
  readonly height: number;
}

/** The size declared by the header of `bytes`; null when the format is not one of these or the header is cut or malformed. */
export function readImageSize(bytes: Uint8Array): ImageSize | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (isPng(bytes)) {
    if (bytes.length < 24 || ascii(12, 16) !== 'IHDR') return null;
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes, view);
  if (bytes.length >= 16 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return webpSize(ascii(12, 16), bytes, view);
  if (bytes.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) {
    return { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes.length >= 26 && ascii(0, 2) === 'BM') {
    // BITMAPCOREHEADER (12 bytes) has 16-bit sizes; every later header 32-bit, height negative for top-down rows.
    if (view.getUint32(14, true) === 12) return { format: 'bmp', width: view.getUint16(18, true), height: view.getUint16(20, true) };
    return { format: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  return null;
}

/**
 * Refuses an image whose header declares too many pixels (checkSourceSize), or whose size cannot
 * be read from its header, before anything decodes it whole. Throws MediaInputError.
 */
export function checkImageHeader(bytes: Uint8Array, what: string): ImageSize {
  const size = readImageSize(bytes);
  if (!size) throw new MediaInputError('unreadable', `${what} cannot be read as an image: its header does not give its size (use PNG, JPEG or WebP).`);
  checkSourceSize(size.width, size.height, what);
  return size;
}

/** JPEG markers that carry no length: TEM, RST0-7, SOI. */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);

/** Walks the JPEG segments to the first start-of-frame (SOF0-15 but DHT, JPG and DAC), whose fields hold the size. */
function jpegSize(bytes: Uint8Array, view: DataView): ImageSize | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte before a marker
      continue;
    }
    if (STANDALONE.has(marker)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or the end before any frame header
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length || length < 7) return null;
      return { format: 'jpeg', width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

/** The first chunk of a WebP says its kind; each keeps the size in its own place. */
function webpSize(chunk: string, bytes: Uint8Array, view: DataView): ImageSize | null {
  if (chunk === 'VP8 ') {
    if (bytes.length < 30) return null;
    // 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (2 scale bits above).
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return null;
    return { format: 'webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Signature 0x2f, then width−1 and height−1 in 14 bits each, little-endian.
    if (bytes.length < 25 || bytes[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    // Flags and reserved bytes, then canvas width−1 and height−1 in 24 bits each.
    if (bytes.length < 30) return null;
    const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    return { format: 'webp', width: u24(24) + 1, height: u24(27) + 1 };
  }
  return null;
}
