/**
 * Uploaded images and clips come in any size; the model takes only the sizes its pack lists. This
 * module picks the listed aspect ratio closest to a source and fits every frame to that size by
 * **centre-cropping** to the aspect ratio, then resampling with an antialiased linear (triangle)
 * filter. Cropping, not letterboxing: bars would become part of the scene the model continues
 * (a black band it would try to animate or extend), while a crop only loses a sliver of the edges.
 * Transparent pixels are composited over black, the colour a missing pixel has everywhere else.
 */
import type { VideoSize, VideoSpec } from '../models/manifest';
import { PipelineError } from './errors';

/** Decoded frames of one size, RGBA bytes row-major (width·height·4 per frame). */
export interface RgbaClip {
  readonly width: number;
  readonly height: number;
  readonly frames: readonly Uint8ClampedArray[];
}

/** The aspect ratio key of `video.sizes` whose ratio is closest to width:height (compared in log space). */
export function closestAspect(video: VideoSpec, width: number, height: number): string {
  const want = Math.log(width / height);
  let best = '';
  let bestDistance = Infinity;
  for (const [key, size] of Object.entries(video.sizes)) {
    const distance = Math.abs(Math.log(size.width / size.height) - want);
    if (distance < bestDistance) [best, bestDistance] = [key, distance];
  }
  return best;
}

/** Checks that a clip is well-formed: positive size, at least one frame, every frame the right length. */
export function checkClip(clip: RgbaClip, what: string): void {
  if (!(Number.isInteger(clip.width) && Number.isInteger(clip.height) && clip.width > 0 && clip.height > 0)) {
    throw new PipelineError('invalid-source', `${what} has size ${clip.width}x${clip.height}; expected a positive whole-pixel size`);
  }
  if (clip.frames.length === 0) throw new PipelineError('invalid-source', `${what} has no frames`);
  const bytes = clip.width * clip.height * 4;
  const bad = clip.frames.findIndex((f) => f.length !== bytes);
  if (bad !== -1) throw new PipelineError('invalid-source', `${what} frame ${bad} holds ${clip.frames[bad]!.length} bytes, expected ${bytes} (${clip.width}x${clip.height} RGBA)`);
}

/** Centre-crops every frame to the aspect ratio of `size` and resamples it to `size`; opaque RGBA out. */
export function fitClip(clip: RgbaClip, size: VideoSize): RgbaClip {
  const crop = centreCrop(clip.width, clip.height, size.width / size.height);
  const xTaps = filterTaps(crop.x, crop.width, clip.width, size.width);
  const yTaps = filterTaps(crop.y, crop.height, clip.height, size.height);
  return { width: size.width, height: size.height, frames: clip.frames.map((frame) => resample(frame, clip.width, xTaps, yTaps, size)) };
}

/** The largest centred window of aspect `ratio` (width / height) inside width×height, in source pixels. */
export function centreCrop(width: number, height: number, ratio: number): { x: number; y: number; width: number; height: number } {
  if (width / height > ratio) {
    const w = height * ratio;
    return { x: (width - w) / 2, y: 0, width: w, height };
  }
  const h = width / ratio;
  return { x: 0, y: (height - h) / 2, width, height: h };
}

/** For each output pixel: the source pixels it reads and their weights (summing to 1). */
interface Taps {
  readonly start: Int32Array;
  readonly weights: Float32Array[];
}

/**
 * Triangle-filter taps mapping the source interval [offset, offset + span) onto `out` pixels. The
 * filter widens with the reduction factor, so shrinking averages every covered pixel (no aliasing)
 * and enlarging is plain linear interpolation.
 */
function filterTaps(offset: number, span: number, sourceSize: number, out: number): Taps {
  const scale = span / out;
  const support = Math.max(1, scale);
  const start = new Int32Array(out);
  const weights: Float32Array[] = [];
  for (let i = 0; i < out; i++) {
    const centre = offset + (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(sourceSize - 1, Math.ceil(centre + support));
    const w = new Float32Array(hi - lo + 1);
    let sum = 0;
    for (let s = lo; s <= hi; s++) {
      const weight = Math.max(0, 1 - Math.abs(s + 0.5 - centre) / support);
      w[s - lo] = weight;
      sum += weight;
    }
    if (sum === 0) {
      // Only when the window lies between pixel centres at an edge: take the nearest pixel.
      w.fill(0);
      w[Math.min(w.length - 1, Math.max(0, Math.round(centre - 0.5) - lo))] = 1;
      sum = 1;
    }
    for (let k = 0; k < w.length; k++) w[k]! /= sum;
    start[i] = lo;
    weights.push(w);
  }
  return { start, weights };
}

/** Separable resample of one RGBA frame, alpha composited over black first. */
function resample(frame: Uint8ClampedArray, sourceWidth: number, xTaps: Taps, yTaps: Taps, size: VideoSize): Uint8ClampedArray {
  const sourceHeight = frame.length / 4 / sourceWidth;
  // Horizontal pass: source rows → out.width columns, premultiplied RGB as floats.
  const rows = new Float32Array(sourceHeight * size.width * 3);
  for (let y = 0; y < sourceHeight; y++) {
    for (let x = 0; x < size.width; x++) {
      const w = xTaps.weights[x]!;
      const s0 = xTaps.start[x]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const p = (y * sourceWidth + s0 + k) * 4;
        const a = (frame[p + 3]! / 255) * w[k]!;
        r += frame[p]! * a;
        g += frame[p + 1]! * a;
        b += frame[p + 2]! * a;
      }
      const o = (y * size.width + x) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  // Vertical pass: → out.height rows, rounded into opaque RGBA.
  const out = new Uint8ClampedArray(size.width * size.height * 4);
  for (let y = 0; y < size.height; y++) {
    const w = yTaps.weights[y]!;
    const s0 = yTaps.start[y]!;
    for (let x = 0; x < size.width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < w.length; k++) {
        const o = ((s0 + k) * size.width + x) * 3;
        r += rows[o]! * w[k]!;
        g += rows[o + 1]! * w[k]!;
        b += rows[o + 2]! * w[k]!;
      }
      const p = (y * size.width + x) * 4;
      out[p] = Math.round(r);
      out[p + 1] = Math.round(g);
      out[p + 2] = Math.round(b);
      out[p + 3] = 255;
    }
  }
  return out;
}
