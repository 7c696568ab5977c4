/**
 * How much the app and the CLI enlarge a pack's decoded frames (nearest neighbour) by default.
 * Video encoders and players handle tiny frames badly, so small frames are enlarged until their
 * shorter side reaches MIN_OUTPUT_SHORT_SIDE: tessera-tiny's 56×32 by 4 (224×128), tessera-tiny-2's
 * decoder already renders 224×128 (1), Wan2.1's 320×192 stays as decoded (1) rather than becoming
 * blocky 1280×768. A factor the user chose (the app's Output size, the CLI's --scale) always wins.
 */
import type { VideoSize } from '../models/manifestTypes';
import { MIN_SIDE } from '../safety/watermark';
import { MAX_UPSCALE } from './upscale';

/** The shorter side, in pixels, that default outputs reach at least. */
export const MIN_OUTPUT_SHORT_SIDE = 128;

/**
 * The longest side the app offers to enlarge to: a larger frame buys no detail (nearest neighbour)
 * and costs memory while every frame is held for encoding.
 */
export const MAX_OFFERED_SIDE = 1920;

/** What the default depends on: the pack's sizes (manifest video.sizes) and its decoder's upscale. */
export interface PackVideo {
  readonly sizes: Readonly<Record<string, VideoSize>>;
  /** The decoder's frames are `sizes` times this (manifest video.decoderUpscale); absent: 1. */
  readonly decoderUpscale?: number;
}

/**
 * The pack's default factor: the smallest whole number that brings the shorter side of its smallest
 * decoded frame to MIN_OUTPUT_SHORT_SIDE, and 1 for frames already that large. One factor per pack,
 * whatever the aspect, so a pack's files differ across aspects only by the aspect.
 */
export function defaultOutputScale(video: PackVideo): number {
  const decoderUpscale = video.decoderUpscale ?? 1;
  const shortSides = Object.values(video.sizes).map((size) => Math.min(size.width, size.height) * decoderUpscale);
  if (shortSides.length === 0) return 1;
  return Math.max(1, Math.ceil(MIN_OUTPUT_SHORT_SIDE / Math.min(...shortSides)));
}

/**
 * The factor a render uses: the user's choice, or (null) the loaded pack's default. Without a pack
 * nothing can render (the engine refuses first), so the factor is then 1.
 */
export function resolveOutputScale(chosen: number | null, pack: PackVideo | null): number {
  if (chosen !== null) return chosen;
  return pack ? defaultOutputScale(pack) : 1;
}

/**
 * The factors the app offers for frames decoded at `decoded`: from the smallest whose shorter side
 * carries the watermark (MIN_SIDE; smaller files would be saved unmarked) to the largest whose
 * longer side stays within MAX_OFFERED_SIDE, at most MAX_UPSCALE (tessera-tiny's 56×32: 2–16;
 * Wan2.1's 320×192: 1–6). A frame too large for either bound is offered ×1 alone.
 */
export function offeredOutputScales(decoded: VideoSize): number[] {
  const smallest = Math.max(1, Math.ceil(MIN_SIDE / Math.min(decoded.width, decoded.height)));
  const largest = Math.max(smallest, Math.min(MAX_UPSCALE, Math.floor(MAX_OFFERED_SIDE / Math.max(decoded.width, decoded.height))));
  return Array.from({ length: largest - smallest + 1 }, (_, index) => smallest + index);
}
