/**
 * Perceptual masking for the watermark: the eye misses changes in busy (textured) areas that it would
 * see on flat colour, so the mark is scaled by local activity: weaker on flat areas, stronger on
 * texture, where it also has to compete with the picture for the detector.
 */
import { CANONICAL_SIDE } from './watermarkPattern';

/** Gain on perfectly flat areas and the most it grows to on busy ones. */
export const FLAT_GAIN = 0.7;
export const BUSY_GAIN = 2.2;
/** Local standard deviation (luma levels) that adds one unit of gain. */
const ACTIVITY_PER_GAIN = 10;
/** Radius of the activity window, in canonical pixels. */
const RADIUS = 3;

/** Per-pixel gain from the local luma standard deviation of an RGBA frame (box window, integral images). */
export function activityGain(frame: Uint8ClampedArray, width: number, height: number): Float32Array {
  const r = Math.max(1, Math.round((RADIUS * Math.min(width, height)) / CANONICAL_SIDE));
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  const sq = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    let rowSq = 0;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const l = 0.299 * frame[i]! + 0.587 * frame[i + 1]! + 0.114 * frame[i + 2]!;
      rowSum += l;
      rowSq += l * l;
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1]! + rowSum;
      sq[(y + 1) * w1 + x + 1] = sq[y * w1 + x + 1]! + rowSq;
    }
  }
  const gain = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * w1 + x1]! - sum[y0 * w1 + x1]! - sum[y1 * w1 + x0]! + sum[y0 * w1 + x0]!;
      const q = sq[y1 * w1 + x1]! - sq[y0 * w1 + x1]! - sq[y1 * w1 + x0]! + sq[y0 * w1 + x0]!;
      const std = Math.sqrt(Math.max(0, q / n - (s / n) ** 2));
      gain[y * width + x] = Math.min(BUSY_GAIN, FLAT_GAIN + std / ACTIVITY_PER_GAIN);
    }
  }
  return gain;
}
