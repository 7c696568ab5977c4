/**
 * From a decoder's frames to the clip the pipeline takes: frames picked at the pack's frame rate
 * (a 30 fps upload keeps its real speed at 8 fps), each fitted to the model size as soon as it is
 * decoded so a long HD upload never sits in memory at full size.
 */
import type { VideoSize } from '../models/manifest';
import { fitClip, type RgbaClip } from '../pipeline/fitFrames';
import { MediaInputError } from './mediaInputError';
import { checkSourceSize, MAX_SOURCE_FRAMES } from './mediaLimits';

/** A decoded source whose frames are read one at a time. */
export interface FrameSource {
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  /** Frames per second; null for an image or an unknown rate (frames are then taken as they are). */
  readonly fps: number | null;
  /** Frame `i` as RGBA bytes at width×height. */
  frame(index: number): Uint8ClampedArray | Promise<Uint8ClampedArray>;
}

/** Indices of the source frames shown at `fps`, nearest in time, from the first frame to the last. */
export function framesAtRate(frameCount: number, sourceFps: number | null, fps: number): number[] {
  if (sourceFps === null || !(sourceFps > 0) || Math.abs(sourceFps - fps) < 1e-6) return Array.from({ length: frameCount }, (_, i) => i);
  const duration = frameCount / sourceFps;
  const count = Math.max(1, Math.round(duration * fps));
  return Array.from({ length: count }, (_, i) => Math.min(frameCount - 1, Math.round((i * sourceFps) / fps)));
}

/** Checks the source's size, then reads the frames at `fps`, each fitted to the size `chooseSize` picks. */
export async function collectFrames(source: FrameSource, fps: number, chooseSize: (width: number, height: number) => VideoSize, what: string): Promise<RgbaClip> {
  checkSourceSize(source.width, source.height, what);
  const indices = framesAtRate(source.frameCount, source.fps, fps);
  if (indices.length > MAX_SOURCE_FRAMES) throw tooLong(what, indices.length, fps);
  async function* frames() {
    for (const index of indices) yield await source.frame(index);
  }
  return fitStream(frames(), source.width, source.height, chooseSize(source.width, source.height), fps, what);
}

/** Fits frames to `size` one at a time as a decoder produces them (already at the pack's rate). */
export async function fitStream(frames: AsyncIterable<Uint8ClampedArray>, width: number, height: number, size: VideoSize, fps: number, what: string): Promise<RgbaClip> {
  const out: Uint8ClampedArray[] = [];
  for await (const rgba of frames) {
    if (out.length === MAX_SOURCE_FRAMES) throw tooLong(what, `more than ${MAX_SOURCE_FRAMES}`, fps);
    out.push(fitClip({ width, height, frames: [rgba] }, size).frames[0]!);
  }
  if (out.length === 0) throw new MediaInputError('unreadable', `${what} has no frames`);
  return { width: size.width, height: size.height, frames: out };
}

function tooLong(what: string, frames: number | string, fps: number): MediaInputError {
  return new MediaInputError('too-large', `${what} is ${frames} frames at ${fps} fps; Tessera takes at most ${MAX_SOURCE_FRAMES} (${MAX_SOURCE_FRAMES / fps} s). Trim it first.`);
}
