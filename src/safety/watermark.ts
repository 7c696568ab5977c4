/**
 * Tessera's invisible watermark: a keyed, band-limited spread-spectrum pattern added to the luma of
 * every frame before encoding, carrying a 32-bit payload. Pure TypeScript on RGBA frames.
 *
 * Embedding: the frame is mapped onto a canonical plane whose shorter side is 128 pixels; the pattern
 * is a 64-pixel periodic tile on that plane (periods 6-21 canonical pixels, which H.264 keeps). Channels
 * near black or white are first moved a couple of levels inwards so the mark is not clipped there.
 * Detection: the frames' mean luma is resampled to the canonical plane at a range of scales (crops of
 * up to 14% change the scale), high-passed, folded onto one tile, whitened within the pattern band and
 * correlated with each of the 41 orthonormal patterns at every cyclic shift (cropping shifts the tile)
 * by FFT. At each shift, the share of the band's energy the patterns explain is an F statistic with
 * (41, D − 41) degrees of freedom on unmarked video (D = the band's dimension); its p-value,
 * Bonferroni-corrected for every shift and scale tried, bounds the false-positive rate. See
 * docs/safety.md.
 */
import { fft2d } from './fft';
import { fLogSurvival } from './fDistribution';
import { headroomCurve, headroomLevels } from './watermarkHeadroom';
import { activityGain } from './watermarkMask';
import { BAND_DIMENSIONS, BAND_ROWS, CANONICAL_SIDE, PATTERN_COUNT, TILE, inBand, patternBank, payloadFromSigns, payloadTile, WATERMARK_KEY } from './watermarkPattern';

/** RMS amplitude of the mark in 8-bit luma levels (≈ 41 dB PSNR on unclipped pixels). */
export const DEFAULT_STRENGTH = 2.2;
/** Corrected p-value at or below which a mark is reported: the false-positive bound per clip. */
export const DETECTION_ALPHA = 1e-4;
/** Smallest frame side the mark can be embedded in (embed after upscaling the model's frames). */
export const MIN_SIDE = 64;
/**
 * Scales the detector covers: 1 = uncropped; a crop of c% of the shorter side needs 1 − c/100. It
 * tries the coarse grid, then the fine steps beside the best coarse scale.
 */
const COARSE_SCALES = Array.from({ length: 19 }, (_, i) => 0.86 + i * 0.01);
const FINE_STEP = 0.005;
/** Scales the search can land on (for the Bonferroni correction). */
const SCALE_COUNT = 2 * COARSE_SCALES.length - 1;
/** At most this many frames, evenly spaced, are averaged for detection. */
const MAX_FRAMES = 64;
const HIGHPASS_SIGMA = 4;

export interface EmbedOptions {
  /** RMS amplitude in luma levels (default `DEFAULT_STRENGTH`). */
  strength?: number;
  /** Scale the mark by local activity (perceptual masking, `watermarkMask.ts`); default true. */
  adaptive?: boolean;
  /**
   * Lift near-black and lower near-white channels by up to 1.5 × the mark's flat-area RMS first, so
   * the mark is not clipped there (`watermarkHeadroom.ts`); default true (false: as marked before it existed).
   */
  headroom?: boolean;
  key?: string;
}

export interface WatermarkDetection {
  detected: boolean;
  /** 1 − the corrected p-value: the probability-like certainty that the clip carries the mark. */
  confidence: number;
  /** The 32-bit payload when its CRC checks out. */
  payload?: number;
  /** ln of the corrected p-value (more negative = stronger evidence). */
  logPValue: number;
  /** The F statistic at the best shift and scale, and where it was found. */
  score: number;
  scale: number;
  shift: [number, number];
}

function checkFrame(frame: Uint8ClampedArray, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`frame size ${width}x${height} is not a positive integer size`);
  if (frame.length !== width * height * 4) throw new RangeError(`frame has ${frame.length} bytes, expected ${width}x${height}x4 = ${width * height * 4}`);
}

/** The mark for one frame size, in luma levels per pixel (computed once per clip). */
export function watermarkField(width: number, height: number, payload: number, options: EmbedOptions = {}): Float32Array {
  if (Math.min(width, height) < MIN_SIDE) throw new RangeError(`frames of ${width}x${height} are too small for the watermark; the shorter side must be at least ${MIN_SIDE} (embed after upscaling)`);
  const tile = payloadTile(payload, options.key ?? WATERMARK_KEY);
  const strength = options.strength ?? DEFAULT_STRENGTH;
  const g = CANONICAL_SIDE / Math.min(width, height);
  const field = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const cy = (y + 0.5) * g - 0.5;
    const y0 = Math.floor(cy);
    const fy = cy - y0;
    const r0 = (((y0 % TILE) + TILE) % TILE) * TILE;
    const r1 = ((((y0 + 1) % TILE) + TILE) % TILE) * TILE;
    for (let x = 0; x < width; x++) {
      const cx = (x + 0.5) * g - 0.5;
      const x0 = Math.floor(cx);
      const fx = cx - x0;
      const c0 = ((x0 % TILE) + TILE) % TILE;
      const c1 = (c0 + 1) % TILE;
      const top = tile[r0 + c0]! * (1 - fx) + tile[r0 + c1]! * fx;
      const bottom = tile[r1 + c0]! * (1 - fx) + tile[r1 + c1]! * fx;
      field[y * width + x] = strength * (top * (1 - fy) + bottom * fy);
    }
  }
  return field;
}

/**
 * Adds a precomputed field (`watermarkField` with the same options) to one RGBA frame: the same change
 * to R, G and B, scaled by the frame's activity gain when `adaptive`, after the headroom curve when
 * `headroom`; returns a new frame.
 */
export function applyWatermarkField(frame: Uint8ClampedArray, width: number, height: number, field: Float32Array, options: EmbedOptions = {}): Uint8ClampedArray {
  if (frame.length !== field.length * 4) throw new RangeError(`frame has ${frame.length} bytes, the watermark field covers ${field.length} pixels`);
  const adaptive = options.adaptive ?? true;
  const gain = adaptive ? activityGain(frame, width, height) : null;
  const curve = (options.headroom ?? true) ? headroomCurve(headroomLevels(options.strength ?? DEFAULT_STRENGTH, adaptive)) : null;
  const out = new Uint8ClampedArray(frame.length);
  for (let i = 0; i < field.length; i++) {
    const d = field[i]! * (gain ? gain[i]! : 1);
    for (let c = i * 4; c < i * 4 + 3; c++) out[c] = (curve ? curve[frame[c]!]! : frame[c]!) + d;
    out[i * 4 + 3] = frame[i * 4 + 3]!;
  }
  return out;
}

/** Embeds the watermark carrying `payload` (unsigned 32-bit) in one RGBA frame; returns a new frame. */
export function embedWatermark(frame: Uint8ClampedArray, width: number, height: number, payload: number, options: EmbedOptions = {}): Uint8ClampedArray {
  checkFrame(frame, width, height);
  return applyWatermarkField(frame, width, height, watermarkField(width, height, payload, options), options);
}

/** Embeds the same mark in every frame of a clip (the field is computed once). */
export function embedWatermarkFrames(frames: readonly Uint8ClampedArray[], width: number, height: number, payload: number, options: EmbedOptions = {}): Uint8ClampedArray[] {
  const field = watermarkField(width, height, payload, options);
  return frames.map((frame) => {
    checkFrame(frame, width, height);
    return applyWatermarkField(frame, width, height, field, options);
  });
}

/** Mean BT.601 luma of up to `MAX_FRAMES` evenly spaced RGBA frames. */
export function meanLumaOfRgba(frames: readonly Uint8ClampedArray[], width: number, height: number): Float32Array {
  const picked = pickFrames(frames);
  const mean = new Float32Array(width * height);
  for (const frame of picked) {
    checkFrame(frame, width, height);
    for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + 0.299 * frame[i * 4]! + 0.587 * frame[i * 4 + 1]! + 0.114 * frame[i * 4 + 2]!;
  }
  for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! / picked.length;
  return mean;
}

/** Mean of up to `MAX_FRAMES` evenly spaced 8-bit grey (luma) frames, e.g. ffmpeg's `-pix_fmt gray`. */
export function meanLumaOfGray(frames: readonly Uint8Array[], width: number, height: number): Float32Array {
  const picked = pickFrames(frames);
  const mean = new Float32Array(width * height);
  for (const frame of picked) {
    if (frame.length !== width * height) throw new RangeError(`grey frame has ${frame.length} bytes, expected ${width * height}`);
    for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + frame[i]!;
  }
  for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! / picked.length;
  return mean;
}

function pickFrames<T>(frames: readonly T[]): T[] {
  if (frames.length === 0) throw new RangeError('no frames to check for a watermark');
  if (frames.length <= MAX_FRAMES) return [...frames];
  return Array.from({ length: MAX_FRAMES }, (_, i) => frames[Math.floor((i * frames.length) / MAX_FRAMES)]!);
}

/** Looks for the watermark in RGBA frames of one clip (or one image). */
export function detectWatermark(frames: readonly Uint8ClampedArray[], width: number, height: number, key: string = WATERMARK_KEY): WatermarkDetection {
  return detectWatermarkInLuma(meanLumaOfRgba(frames, width, height), width, height, key);
}

/** Looks for the watermark in a mean-luma image (`meanLumaOfRgba` / `meanLumaOfGray`). */
export function detectWatermarkInLuma(luma: Float32Array, width: number, height: number, key: string = WATERMARK_KEY): WatermarkDetection {
  let image = { data: luma, width, height };
  // Shrink large frames by whole factors first (area average), so resampling does not alias.
  const factor = Math.floor(Math.min(width, height) / (CANONICAL_SIDE * 1.2)) + 1;
  if (factor >= 2) image = boxDownsample(image.data, width, height, factor);
  const bank = patternBank(key);
  const residual = clippedResidual(image.data, image.width, image.height);
  let best = { score: -1, scale: 1, shift: [0, 0] as [number, number], correlations: [] as number[] };
  const tryScale = (scale: number) => {
    const folded = foldCanonical(residual, image.width, image.height, scale);
    if (!folded) return;
    const result = correlate(folded, bank);
    if (result.score > best.score) best = { ...result, scale };
  };
  for (const scale of COARSE_SCALES) tryScale(scale);
  const coarse = best.scale;
  tryScale(coarse - FINE_STEP);
  tryScale(coarse + FINE_STEP);
  const trials = SCALE_COUNT * TILE * TILE;
  const logPValue = Math.min(0, fLogSurvival(best.score, PATTERN_COUNT, BAND_DIMENSIONS - PATTERN_COUNT) + Math.log(trials));
  const pValue = Math.exp(logPValue);
  const detected = pValue <= DETECTION_ALPHA;
  const sync = best.correlations[0] ?? 1;
  const signs = best.correlations.map((c) => (sync >= 0 ? c : -c));
  const payload = detected ? payloadFromSigns(signs) : null;
  return {
    detected,
    confidence: 1 - pValue,
    ...(payload !== null ? { payload } : {}),
    logPValue,
    score: best.score,
    scale: best.scale,
    shift: best.shift,
  };
}

function boxDownsample(data: Float32Array, width: number, height: number, f: number): { data: Float32Array; width: number; height: number } {
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h * f; y++) {
    for (let x = 0; x < w * f; x++) {
      const o = Math.floor(y / f) * w + Math.floor(x / f);
      out[o] = out[o]! + data[y * width + x]!;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / (f * f);
  return { data: out, width: w, height: h };
}

/**
 * High-passes the image (Gaussian of `HIGHPASS_SIGMA` canonical pixels) and clips outliers at three
 * robust deviations: edges of shapes leave large residuals that would swamp the mark.
 */
function clippedResidual(data: Float32Array, width: number, height: number): Float32Array {
  const sigma = HIGHPASS_SIGMA * (Math.min(width, height) / CANONICAL_SIDE);
  const blurred = gaussianBlur(data, width, height, sigma);
  const residual = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) residual[i] = data[i]! - blurred[i]!;
  const limit = Math.max(2, 3 * 1.4826 * medianAbs(residual));
  for (let i = 0; i < residual.length; i++) residual[i] = Math.min(Math.max(residual[i]!, -limit), limit);
  return residual;
}

/** Resamples the residual onto the canonical plane at `scale` (bilinear) and folds it onto one tile. */
function foldCanonical(data: Float32Array, width: number, height: number, scale: number): Float64Array | null {
  const g = (CANONICAL_SIDE / Math.min(width, height)) * scale;
  const cw = Math.floor(width * g);
  const ch = Math.floor(height * g);
  if (cw < 16 || ch < 16) return null;
  const folded = new Float64Array(TILE * TILE);
  for (let v = 0; v < ch; v++) {
    const sy = Math.min(Math.max((v + 0.5) / g - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    const row = (v % TILE) * TILE;
    for (let u = 0; u < cw; u++) {
      const sx = Math.min(Math.max((u + 0.5) / g - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const top = data[y0 * width + x0]! * (1 - fx) + data[y0 * width + x1]! * fx;
      const bottom = data[y1 * width + x0]! * (1 - fx) + data[y1 * width + x1]! * fx;
      const i = row + (u % TILE);
      folded[i] = folded[i]! + top * (1 - fy) + bottom * fy;
    }
  }
  return folded;
}

function gaussianBlur(data: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = kernel.reduce((a, b) => a + b, 0);
  const k = kernel.map((w) => w / sum);
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let t = -radius; t <= radius; t++) {
          const xx = horizontal ? Math.min(Math.max(x + t, 0), width - 1) : x;
          const yy = horizontal ? y : Math.min(Math.max(y + t, 0), height - 1);
          acc += k[t + radius]! * src[yy * width + xx]!;
        }
        out[y * width + x] = acc;
      }
    }
    return out;
  };
  return pass(pass(data, true), false);
}

function medianAbs(values: Float32Array): number {
  const sorted = Float32Array.from(values, Math.abs).sort();
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Whitens the folded tile within the band (each ring of frequencies scaled to equal power), then
 * correlates it with every pattern at every cyclic shift. Returns the best F statistic: the energy the
 * 41 shifted patterns explain, per pattern, over the band energy left unexplained, per dimension.
 */
function correlate(folded: Float64Array, bank: ReturnType<typeof patternBank>): { score: number; shift: [number, number]; correlations: number[] } {
  const n = TILE * TILE;
  const tre = Float64Array.from(folded);
  const tim = new Float64Array(n);
  fft2d(tre, tim, TILE, false);
  whitenInBand(tre, tim);
  let bandEnergy = 0;
  for (let i = 0; i < n; i++) bandEnergy += (tre[i]! * tre[i]! + tim[i]! * tim[i]!) / n;
  const surfaces: Float64Array[] = [];
  for (let k = 0; k < PATTERN_COUNT; k += 2) {
    // Two real correlations in one complex inverse FFT: a + i·b.
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (const [slot, j] of [[0, k], [1, k + 1]] as const) {
      if (j >= PATTERN_COUNT) continue;
      const pr = bank.spectraRe[j]!;
      const pi = bank.spectraIm[j]!;
      for (let i = 0; i < n; i++) {
        const cr = tre[i]! * pr[i]! - tim[i]! * pi[i]!;
        const ci = tre[i]! * pi[i]! + tim[i]! * pr[i]!;
        re[i] = re[i]! + (slot === 0 ? cr : -ci);
        im[i] = im[i]! + (slot === 0 ? ci : cr);
      }
    }
    fft2d(re, im, TILE, true, BAND_ROWS);
    surfaces.push(re);
    if (k + 1 < PATTERN_COUNT) surfaces.push(im);
  }
  const explained = new Float64Array(n);
  for (const s of surfaces) for (let i = 0; i < n; i++) explained[i] = explained[i]! + s[i]! * s[i]!;
  let at = 0;
  for (let i = 1; i < n; i++) if (explained[i]! > explained[at]!) at = i;
  const rest = Math.max(bandEnergy - explained[at]!, bandEnergy * 1e-9, 1e-12);
  const score = explained[at]! / PATTERN_COUNT / (rest / (BAND_DIMENSIONS - PATTERN_COUNT));
  return { score, shift: [Math.floor(at / TILE), at % TILE], correlations: surfaces.map((s) => s[at]!) };
}

/** Zeroes frequencies outside the band and scales each ring of radius r to unit mean power. */
function whitenInBand(re: Float64Array, im: Float64Array): void {
  const rings = new Map<number, { power: number; count: number }>();
  const ringOf = (fy: number, fx: number) => Math.round(Math.hypot(Math.min(fy, TILE - fy), Math.min(fx, TILE - fx)));
  for (let fy = 0; fy < TILE; fy++) {
    for (let fx = 0; fx < TILE; fx++) {
      const i = fy * TILE + fx;
      if (!inBand(fy, fx)) {
        re[i] = 0;
        im[i] = 0;
        continue;
      }
      const ring = rings.get(ringOf(fy, fx)) ?? { power: 0, count: 0 };
      ring.power += re[i]! * re[i]! + im[i]! * im[i]!;
      ring.count++;
      rings.set(ringOf(fy, fx), ring);
    }
  }
  for (let fy = 0; fy < TILE; fy++) {
    for (let fx = 0; fx < TILE; fx++) {
      const ring = rings.get(ringOf(fy, fx));
      if (!ring || !inBand(fy, fx)) continue;
      const scale = 1 / Math.sqrt(ring.power / ring.count || 1);
      re[fy * TILE + fx] = re[fy * TILE + fx]! * scale;
      im[fy * TILE + fx] = im[fy * TILE + fx]! * scale;
    }
  }
}

/** PSNR in dB between two RGBA images over the R, G and B channels. */
export function psnrRgb(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  if (a.length !== b.length) throw new RangeError(`images differ in size: ${a.length} and ${b.length} bytes`);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c]! - b[i + c]!;
      sum += d * d;
      count++;
    }
  }
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / count));
}
