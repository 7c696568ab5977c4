/**
 * How much the app and the CLI enlarge a pack's decoded frames by default. Tessera shows clips at 4×
 * the model's size (tessera-tiny's 32×32 as 128×128); a super-resolving decoder (manifest
 * `video.decoderUpscale`) has already done part of that, so only the rest is nearest-neighbour.
 */

/** The size, relative to the model's own, that outputs have by default. */
export const DEFAULT_OUTPUT_SCALE = 4;

/**
 * The nearest-neighbour factor that brings frames decoded at `decoderUpscale` × the model's size to
 * `scale` × it: 4 for a decoder at the model size, 1 for one that already renders at 4×. At least 1
 * (a decoder larger than asked is never shrunk).
 */
export function remainingUpscale(scale: number, decoderUpscale = 1): number {
  return Math.max(1, Math.round(scale / decoderUpscale));
}
