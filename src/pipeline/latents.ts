/**
 * From a requested video (aspect ratio, frame count or duration) to the latent it is generated in,
 * with the pack's rules: only listed sizes, only listed frame counts (F = 1 + temporalCompression·(T−1)).
 */
import type { LatentSpec, VideoSize, VideoSpec } from '../models/manifest';
import { PipelineError } from './errors';

/** Latent grid sizes: channels C, latent frames T, latent height h and width w. */
export interface LatentDims {
  readonly channels: number;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
}

/** The pixel size of an aspect ratio the pack lists. */
export function resolveSize(video: VideoSpec, aspect: string): VideoSize {
  const size = Object.hasOwn(video.sizes, aspect) ? video.sizes[aspect] : undefined;
  if (!size) {
    throw new PipelineError('invalid-aspect', `aspect ratio ${JSON.stringify(aspect)} is not offered; choose one of ${Object.keys(video.sizes).join(', ')}`);
  }
  return size;
}

/** Asserts that the pack can generate `frames` frames. */
export function checkFrameCount(video: VideoSpec, frames: number): void {
  if (!video.frameCounts.includes(frames)) {
    throw new PipelineError('invalid-frames', `${frames} frames is not offered; choose one of ${video.frameCounts.join(', ')}`);
  }
}

/**
 * The allowed frame count closest to `seconds` of video at the pack's fps (ties go to the longer
 * clip); 0 seconds is a single image.
 */
export function frameCountForSeconds(video: VideoSpec, seconds: number): number {
  const longest = video.frameCounts[video.frameCounts.length - 1]!;
  const maxSeconds = longest / video.fps;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > maxSeconds + 0.5) {
    throw new PipelineError('invalid-frames', `duration ${seconds} s is not offered; choose 0 (an image) to ${maxSeconds.toFixed(2)} s`);
  }
  const wanted = seconds * video.fps;
  let best = video.frameCounts[0]!;
  for (const frames of video.frameCounts) {
    if (Math.abs(frames - wanted) <= Math.abs(best - wanted)) best = frames;
  }
  return best;
}

/** Latent dims of a video: T = 1 + (F − 1) / temporalCompression, h = H / s, w = W / s. */
export function latentDims(latent: LatentSpec, size: VideoSize, frames: number): LatentDims {
  const latentFrames = 1 + (frames - 1) / latent.temporalCompression;
  if (!Number.isInteger(latentFrames) || latentFrames < 1) {
    throw new PipelineError('invalid-frames', `${frames} frames is not 1 + ${latent.temporalCompression}·k`);
  }
  if (size.width % latent.spatialCompression || size.height % latent.spatialCompression) {
    throw new PipelineError('invalid-aspect', `${size.width}x${size.height} is not a multiple of ${latent.spatialCompression}`);
  }
  return {
    channels: latent.channels,
    frames: latentFrames,
    height: size.height / latent.spatialCompression,
    width: size.width / latent.spatialCompression,
  };
}

/** Pixel frames a latent decodes to: F = 1 + temporalCompression·(T − 1). */
export function decodedFrameCount(latent: LatentSpec, latentFrames: number): number {
  return 1 + latent.temporalCompression * (latentFrames - 1);
}
