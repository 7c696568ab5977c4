/**
 * Room for the watermark at the ends of the 8-bit range. A channel at 0 can only go up and one at 255
 * only down, so on black (or blown-out white) the half of the mark that points out of range is
 * clipped off: what is left is about half as strong, one-sided and only a level or two high, the first
 * thing a video codec quantises away (docs/safety.md, "Near-black frames").
 *
 * The fix is a tone curve applied to each channel before the mark is added: a toe that moves channels
 * within `2h` of black up to at least `h` (0 → h, 2h → 2h, slope ½ in between, so dark levels keep
 * their order and a slightly lighter black stays slightly lighter), and the same shoulder below white.
 * A downward swing of up to `h` levels then survives. Channels further than `2h` from either end are
 * untouched, so frames without near-black or near-white pixels are marked exactly as before.
 */
import { FLAT_GAIN } from './watermarkMask';

/** Headroom in units of the mark's RMS on flat areas: 1.5 keeps ~93% of the mark's values unclipped. */
export const HEADROOM_SIGMAS = 1.5;

/**
 * Levels of headroom for a mark of RMS `strength`: 1.5 × the RMS the mark has on flat colour (where
 * near-black backgrounds are), ≈ 2.3 levels at the default strength with perceptual masking.
 */
export function headroomLevels(strength: number, adaptive: boolean): number {
  return HEADROOM_SIGMAS * strength * (adaptive ? FLAT_GAIN : 1);
}

const curves = new Map<number, Float32Array>();

/** The toe-and-shoulder curve for `h` levels of headroom, as a lookup table over 0-255. */
export function headroomCurve(h: number): Float32Array {
  if (!(h >= 0 && h <= 64)) throw new RangeError(`watermark headroom must be 0 to 64 levels, got ${h}`);
  const cached = curves.get(h);
  if (cached) return cached;
  const curve = Float32Array.from({ length: 256 }, (_, v) => v + Math.max(0, h - v / 2) - Math.max(0, h - (255 - v) / 2));
  curves.set(h, curve);
  return curve;
}
