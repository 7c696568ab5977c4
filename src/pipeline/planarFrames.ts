/**
 * Between RGBA images and the planar RGB tensors [3, F, H·W] that video autoencoders take and give.
 * Each family says which value range its graphs use (tessera-tiny: [0, 1]); these map that range
 * onto bytes and back, so no family writes the loops again.
 */

/** The values a graph uses for black and for full intensity. */
export interface ValueRange {
  readonly black: number;
  readonly white: number;
}

/** Planar RGB [3, F, plane] in `range` → F RGBA images, clamped and rounded. */
export function planarToRgba(rgb: Float32Array, frames: number, plane: number, range: ValueRange): Uint8ClampedArray[] {
  const scale = 255 / (range.white - range.black);
  return Array.from({ length: frames }, (_, f) => {
    const image = new Uint8ClampedArray(plane * 4);
    for (let p = 0; p < plane; p++) {
      // Uint8ClampedArray rounds and clamps on assignment.
      for (let c = 0; c < 3; c++) image[p * 4 + c] = (rgb[(c * frames + f) * plane + p]! - range.black) * scale;
      image[p * 4 + 3] = 255;
    }
    return image;
  });
}

/** RGBA images of `plane` pixels → planar RGB [3, F, plane] in `range`. */
export function rgbaToPlanar(frames: readonly Uint8ClampedArray[], plane: number, range: ValueRange): Float32Array {
  const F = frames.length;
  const span = range.white - range.black;
  const planar = new Float32Array(3 * F * plane);
  frames.forEach((frame, f) => {
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) planar[(c * F + f) * plane + p] = (frame[p * 4 + c]! / 255) * span + range.black;
  });
  return planar;
}
