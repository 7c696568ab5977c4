/**
 * A PNG reader over node:zlib for the CLI's --image and .png inputs: every colour type (gray, RGB,
 * palette, gray+alpha, RGBA), bit depths 1–16, palette and tRNS transparency, all five row filters.
 * Interlaced (Adam7) files are refused with a message, as they are rare for generated images.
 */
import { inflateSync } from 'node:zlib';
import type { FrameSource } from '../src/input/decodedFrames';
import { MediaInputError } from '../src/input/mediaInputError';
import { checkSourceSize } from '../src/input/mediaLimits';
import { readPngHeader } from '../src/input/pngHeader';

/**
 * Decodes a PNG into a one-frame source. The header is read and the size checked before anything is
 * inflated, and the image data may inflate to exactly what the header implies, no more. Throws
 * MediaInputError: 'too-large' for a size over the limits, 'unreadable' for broken or unsupported files.
 */
export function decodePng(bytes: Uint8Array, what = 'the PNG'): FrameSource {
  const fail = (why: string): never => {
    throw new MediaInputError('unreadable', `${what} cannot be read: ${why}`);
  };
  const header = readPngHeader(bytes, what);
  const { width, height, bitDepth: depth, colourType: type, rowBytes: stride, inflatedBytes } = header;
  checkSourceSize(width, height, what);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const data: Uint8Array[] = [];
  for (let at = 33; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const name = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length !== length) fail(`chunk ${name} is cut short`);
    if (name === 'PLTE') palette = body;
    else if (name === 'tRNS') transparency = body;
    else if (name === 'IDAT') data.push(body);
    else if (name === 'IEND') break;
    at += 12 + length;
  }
  if (type === 3 && !palette) fail('it has a palette colour type but no palette');
  if (data.length === 0) fail('it has no image data');
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: inflatedBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return fail(`its image data inflates to more than the ${inflatedBytes} bytes its ${width}x${height} header allows`);
    }
    return fail('its image data is corrupt or cut short');
  }
  if (raw.length < inflatedBytes) fail('its image data is shorter than its size says');
  const pixels = unfilter(raw, height, stride, Math.max(1, (header.channels * depth) / 8), fail);

  return {
    width,
    height,
    fps: null,
    frameCount: 1,
    frame: () => toRgba(pixels, width, height, stride, depth, type, header.channels, palette, transparency),
  };
}

/** Undoes the per-row filters (none, sub, up, average, Paeth) in place of a copy. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, fail: (why: string) => never): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[at + x - bpp]! : 0;
      const b = y > 0 ? out[at - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[at - stride + x - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: return fail(`row ${y} has an unknown filter ${filter}`);
      }
      out[at + x] = (row[x]! + predictor) & 0xff;
    }
  }
  return out;
}

/** Unpacked samples → RGBA bytes (16-bit samples keep their high byte). */
function toRgba(pixels: Uint8Array, width: number, height: number, stride: number, depth: number, type: number, channels: number, palette: Uint8Array | null, trns: Uint8Array | null): Uint8ClampedArray {
  const maxValue = (1 << Math.min(depth, 8)) - 1;
  const sample = (row: number, index: number): number => {
    if (depth === 8) return pixels[row * stride + index]!;
    if (depth === 16) return pixels[row * stride + index * 2]!;
    const bit = index * depth;
    return (pixels[row * stride + (bit >> 3)]! >> (8 - depth - (bit & 7))) & maxValue;
  };
  const rawSample16 = (row: number, index: number) => (depth === 16 ? (pixels[row * stride + index * 2]! << 8) | pixels[row * stride + index * 2 + 1]! : sample(row, index));
  const scale = (v: number) => (type === 3 ? v : Math.round((v * 255) / maxValue));
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const s = (k: number) => sample(y, x * channels + k);
      let rgba: [number, number, number, number];
      if (type === 3) {
        const i = s(0);
        rgba = [palette![i * 3] ?? 0, palette![i * 3 + 1] ?? 0, palette![i * 3 + 2] ?? 0, trns?.[i] ?? 255];
      } else if (type === 0 || type === 4) {
        const g = scale(s(0));
        const keyed = type === 0 && trns && trns.length >= 2 && rawSample16(y, x) === ((trns[0]! << 8) | trns[1]!);
        rgba = [g, g, g, type === 4 ? scale(s(1)) : keyed ? 0 : 255];
      } else {
        const [r, g, b] = [scale(s(0)), scale(s(1)), scale(s(2))];
        const keyed = type === 2 && trns && trns.length >= 6 && [0, 1, 2].every((k) => rawSample16(y, x * 3 + k) === ((trns[k * 2]! << 8) | trns[k * 2 + 1]!));
        rgba = [r, g, b, type === 6 ? scale(s(3)) : keyed ? 0 : 255];
      }
      out.set(rgba, p);
    }
  }
  return out;
}
