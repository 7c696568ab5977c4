/**
 * Integer upscaling of the model's tiny frames before encoding: video encoders and players handle
 * 32-pixel frames badly (chroma subsampling smears them, players show a postage stamp).
 */

export type UpscaleFilter = 'nearest' | 'smooth';

/** Largest factor accepted; a 56-pixel side times 16 is already 896 pixels. */
export const MAX_UPSCALE = 16;

/**
 * Scales an RGBA image by an integer `factor`: `nearest` repeats pixels (the pixel look),
 * `smooth` interpolates bilinearly between pixel centres (edges clamp).
 */
export function upscaleRgba(image: Uint8ClampedArray, width: number, height: number, factor: number, filter: UpscaleFilter): Uint8ClampedArray {
  if (!Number.isInteger(factor) || factor < 1 || factor > MAX_UPSCALE) {
    throw new RangeError(`upscale factor ${factor} is not an integer from 1 to ${MAX_UPSCALE}`);
  }
  if (image.length !== width * height * 4) throw new RangeError(`image has ${image.length} bytes, expected ${width}x${height}x4`);
  if (factor === 1) return image.slice();
  const outWidth = width * factor;
  const out = new Uint8ClampedArray(outWidth * height * factor * 4);
  for (let y = 0; y < height * factor; y++) {
    for (let x = 0; x < outWidth; x++) {
      const o = (y * outWidth + x) * 4;
      if (filter === 'nearest') {
        const i = (Math.floor(y / factor) * width + Math.floor(x / factor)) * 4;
        out[o] = image[i]!;
        out[o + 1] = image[i + 1]!;
        out[o + 2] = image[i + 2]!;
        out[o + 3] = image[i + 3]!;
        continue;
      }
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
