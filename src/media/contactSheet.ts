/** Frames laid out side by side in one image: a multi-frame PNG is such a sheet. */
import type { Frames } from './upscale';

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
