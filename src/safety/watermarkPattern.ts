/**
 * The watermark's keyed patterns: `PATTERN_COUNT` orthonormal, band-limited, periodic tiles of
 * `TILE`×`TILE` canonical pixels (one sync pattern, then one per codeword bit), and the codeword
 * itself (32-bit payload + CRC-8).
 */
import { mulberry32 } from '../pipeline/noise';
import { fft2d } from './fft';

/** Side of the periodic pattern tile, in canonical pixels. */
export const TILE = 64;
/** Frames are resampled so that their shorter side is this many canonical pixels. */
export const CANONICAL_SIDE = 128;
/** Pattern band, in cycles per tile: periods of 6.4 to 21 canonical pixels, which H.264 keeps. */
const BAND_LOW = 3;
const BAND_HIGH = 10;
export const PAYLOAD_BITS = 32;
const CRC_BITS = 8;
/** One sync pattern (always +1) and one pattern per codeword bit. */
export const PATTERN_COUNT = 1 + PAYLOAD_BITS + CRC_BITS;
/** The key that seeds the patterns. Public: the mark shows provenance, it is not a secret. */
export const WATERMARK_KEY = 'tessera-watermark-v1';

/** 32-bit FNV-1a hash of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Floats in [0, 1) from the pipeline's mulberry32 (the same generator the seeded noise uses). */
function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Whether the FFT bin (fy, fx) of a tile lies in the pattern band. */
export function inBand(fy: number, fx: number): boolean {
  const wy = Math.min(fy, TILE - fy);
  const wx = Math.min(fx, TILE - fx);
  const r = Math.hypot(wy, wx);
  return r >= BAND_LOW && r <= BAND_HIGH;
}

/** Dimension of the band: the number of FFT bins of a tile inside it. */
export const BAND_DIMENSIONS = (() => {
  let count = 0;
  for (let fy = 0; fy < TILE; fy++) for (let fx = 0; fx < TILE; fx++) if (inBand(fy, fx)) count++;
  return count;
})();

/** The rows of a tile's spectrum that hold any in-band bin. */
export const BAND_ROWS: readonly number[] = Array.from({ length: TILE }, (_, fy) => fy).filter((fy) =>
  Array.from({ length: TILE }, (_, fx) => fx).some((fx) => inBand(fy, fx)),
);

/** Gaussian noise on the tile, band-passed in the frequency domain (a real, periodic pattern). */
function bandLimitedNoise(seed: number): Float64Array {
  const random = uniform(seed);
  const re = new Float64Array(TILE * TILE);
  const im = new Float64Array(TILE * TILE);
  for (let i = 0; i < re.length; i++) {
    const u = Math.max(random(), 1e-12);
    re[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  fft2d(re, im, TILE, false);
  for (let fy = 0; fy < TILE; fy++) {
    for (let fx = 0; fx < TILE; fx++) {
      if (!inBand(fy, fx)) {
        re[fy * TILE + fx] = 0;
        im[fy * TILE + fx] = 0;
      }
    }
  }
  fft2d(re, im, TILE, true);
  return re;
}

/** The keyed patterns, orthonormalised (Gram-Schmidt), each with unit Euclidean norm. */
export interface PatternBank {
  patterns: Float64Array[];
  /** Conjugated spectra of the patterns, for FFT correlation. */
  spectraRe: Float64Array[];
  spectraIm: Float64Array[];
}

const banks = new Map<string, PatternBank>();

export function patternBank(key: string = WATERMARK_KEY): PatternBank {
  const cached = banks.get(key);
  if (cached) return cached;
  const patterns: Float64Array[] = [];
  for (let k = 0; k < PATTERN_COUNT; k++) {
    const p = bandLimitedNoise(fnv1a(`${key}/${k}`));
    for (const q of patterns) {
      let dot = 0;
      for (let i = 0; i < p.length; i++) dot += p[i]! * q[i]!;
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - dot * q[i]!;
    }
    let norm = 0;
    for (let i = 0; i < p.length; i++) norm += p[i]! * p[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < p.length; i++) p[i] = p[i]! / norm;
    patterns.push(p);
  }
  const spectraRe: Float64Array[] = [];
  const spectraIm: Float64Array[] = [];
  for (const p of patterns) {
    const re = Float64Array.from(p);
    const im = new Float64Array(p.length);
    fft2d(re, im, TILE, false);
    for (let i = 0; i < im.length; i++) im[i] = -im[i]!;
    spectraRe.push(re);
    spectraIm.push(im);
  }
  const bank = { patterns, spectraRe, spectraIm };
  banks.set(key, bank);
  return bank;
}

/** CRC-8 (polynomial 0x07) of the payload's four bytes, big-endian. */
export function crc8(payload: number): number {
  let crc = 0;
  for (let shift = 24; shift >= 0; shift -= 8) {
    crc ^= (payload >>> shift) & 0xff;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** Signs (+1/−1) of every pattern for a payload: sync, 32 payload bits (MSB first), 8 CRC bits. */
export function codewordSigns(payload: number): number[] {
  if (!Number.isInteger(payload) || payload < 0 || payload > 0xffffffff) {
    throw new RangeError(`watermark payload must be an unsigned 32-bit integer, got ${payload}`);
  }
  const crc = crc8(payload);
  const bits: number[] = [1];
  for (let i = PAYLOAD_BITS - 1; i >= 0; i--) bits.push((payload >>> i) & 1 ? 1 : -1);
  for (let i = CRC_BITS - 1; i >= 0; i--) bits.push((crc >>> i) & 1 ? 1 : -1);
  return bits;
}

/** Reads a payload back from correlation signs; null when the CRC does not match. */
export function payloadFromSigns(signs: readonly number[]): number | null {
  let payload = 0;
  for (let i = 0; i < PAYLOAD_BITS; i++) payload = (payload * 2 + (signs[1 + i]! > 0 ? 1 : 0)) >>> 0;
  let crc = 0;
  for (let i = 0; i < CRC_BITS; i++) crc = (crc << 1) | (signs[1 + PAYLOAD_BITS + i]! > 0 ? 1 : 0);
  return crc === crc8(payload) ? payload : null;
}

/** The tile to add for a payload: Σ sign_k · pattern_k, scaled to unit RMS. */
export function payloadTile(payload: number, key: string = WATERMARK_KEY): Float64Array {
  const { patterns } = patternBank(key);
  const signs = codewordSigns(payload);
  const tile = new Float64Array(TILE * TILE);
  patterns.forEach((p, k) => {
    const s = signs[k]!;
    for (let i = 0; i < tile.length; i++) tile[i] = tile[i]! + s * p[i]!;
  });
  let energy = 0;
  for (let i = 0; i < tile.length; i++) energy += tile[i]! * tile[i]!;
  const scale = 1 / Math.sqrt(energy / tile.length);
  for (let i = 0; i < tile.length; i++) tile[i] = tile[i]! * scale;
  return tile;
}
