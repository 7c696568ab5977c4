/** Frame helpers for the CLI's writers: nearest-neighbour upscaling and a contact-sheet grid. */

/** RGBA frames of one size. */
export interface Frames {
  readonly width: number;
  readonly height: number;
  readonly frames: readonly Uint8ClampedArray[];
}

/** Upscales every frame by an integer factor, each pixel becoming a k×k block (no smoothing). */
export function upscaleNearest(video: Frames, factor: number): Frames {
  if (factor === 1) return video;
  const width = video.width * factor;
  const height = video.height * factor;
  const frames = video.frames.map((src) => {
    const dst = new Uint8ClampedArray(width * height * 4);
    const src32 = new Uint32Array(src.buffer, src.byteOffset, src.length / 4);
    const dst32 = new Uint32Array(dst.buffer);
    for (let y = 0; y < height; y++) {
      const row = Math.floor(y / factor) * video.width;
      for (let x = 0; x < width; x++) dst32[y * width + x] = src32[row + Math.floor(x / factor)]!;
    }
    return dst;
  });
  return { width, height, frames };
}

/**
 * Lays frames out left to right, top to bottom, so one PNG shows a clip: in a near-square grid by
 * default, or in `columns` columns (`video.frames.length` gives one row, a film strip).
 */
export function contactSheet(video: Frames, columns = Math.ceil(Math.sqrt(video.frames.length))): { width: number; height: number; rgba: Uint8ClampedArray } {
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`a contact sheet needs a whole number of columns, got ${columns}`);
  const rows = Math.ceil(video.frames.length / columns);
  const width = columns * video.width;
  const height = rows * video.height;
  const rgba = new Uint8ClampedArray(width * height * 4);
  video.frames.forEach((frame, i) => {
    const left = (i % columns) * video.width;
    const top = Math.floor(i / columns) * video.height;
    for (let y = 0; y < video.height; y++) {
      rgba.set(frame.subarray(y * video.width * 4, (y + 1) * video.width * 4), ((top + y) * width + left) * 4);
    }
  });
  return { width, height, rgba };
}
