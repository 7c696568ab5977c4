/**
 * Integer upscaling of the model's tiny frames before encoding: video encoders and players handle
 * 32-pixel frames badly (chroma subsampling smears them, players show a postage stamp).
 */

export type UpscaleFilter = 'nearest' | 'smooth';

/** Largest factor the app offers (the engine refuses more); a 56-pixel side times 16 is already 896 pixels. */
export const MAX_UPSCALE = 16;

/** RGBA frames of one size. */
export interface Frames {
  readonly width: number;
  readonly height: number;
  readonly frames: readonly Uint8ClampedArray[];
}

/** Every frame of `video` upscaled by `factor` (see upscaleRgba). */
export function upscaleFrames(video: Frames, factor: number, filter: UpscaleFilter): Frames {
  return {
    width: video.width * factor,
    height: video.height * factor,
    frames: video.frames.map((frame) => upscaleRgba(frame, video.width, video.height, factor, filter)),
  };
}

/**
 * Scales an RGBA image by an integer `factor`: `nearest` repeats pixels (the pixel look),
 * `smooth` interpolates bilinearly between pixel centres (edges clamp).
 */
export function upscaleRgba(image: Uint8ClampedArray, width: number, height: number, factor: number, filter: UpscaleFilter): Uint8ClampedArray {
  // The callers bound the factor by what they offer (the app's MAX_UPSCALE, the CLI's output budget).
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscale factor ${factor} is not a whole number of at least 1`);
  if (image.length !== width * height * 4) throw new RangeError(`image has ${image.length} bytes, expected ${width}x${height}x4`);
  if (factor === 1) return image.slice();
  const outWidth = width * factor;
  const out = new Uint8ClampedArray(outWidth * height * factor * 4);
  if (filter === 'nearest') return nearest(image, width, height, factor, out);
  for (let y = 0; y < height * factor; y++) {
    for (let x = 0; x < outWidth; x++) {
      const o = (y * outWidth + x) * 4;
      // Source coordinate of this pixel's centre.
      const sx = Math.min(Math.max((x + 0.5) / factor - 0.5, 0), width - 1);
      const sy = Math.min(Math.max((y + 0.5) / factor - 0.5, 0), height - 1);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 4; c++) {
        const top = image[(y0 * width + x0) * 4 + c]! * (1 - fx) + image[(y0 * width + x1) * 4 + c]! * fx;
        const bottom = image[(y1 * width + x0) * 4 + c]! * (1 - fx) + image[(y1 * width + x1) * 4 + c]! * fx;
        out[o + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/** Each pixel repeated into a factor×factor block, copied as whole 32-bit pixels, row by row. */
function nearest(image: Uint8ClampedArray, width: number, height: number, factor: number, out: Uint8ClampedArray): Uint8ClampedArray {
  const source = image.byteOffset % 4 === 0 ? new Uint32Array(image.buffer, image.byteOffset, width * height) : new Uint32Array(image.slice().buffer);
  const target = new Uint32Array(out.buffer);
  const outWidth = width * factor;
  for (let y = 0; y < height; y++) {
    const row = y * factor * outWidth;
    for (let x = 0; x < width; x++) target.fill(source[y * width + x]!, row + x * factor, row + (x + 1) * factor);
    // The other factor − 1 rows of the block are copies of the first.
    for (let k = 1; k < factor; k++) target.copyWithin(row + k * outWidth, row, row + outWidth);
  }
  return out;
}
