import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/models/manifest';
import type { PipelineError } from '../../src/pipeline/errors';
import { centreCrop, checkClip, closestAspect, fitClip } from '../../src/pipeline/fitFrames';
import { validManifestJson } from '../fixtures/manifestFixture';

const video = parseManifest(validManifestJson()).video;

/** A width×height RGBA frame from a per-pixel colour function. */
function frame(width: number, height: number, colour: (x: number, y: number) => [number, number, number, number?]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b, a = 255] = colour(x, y);
    out.set([r, g, b, a], (y * width + x) * 4);
  }
  return out;
}
const pixel = (f: Uint8ClampedArray, width: number, x: number, y: number) => [...f.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];

describe('fitting uploads to the model size', () => {
  it.each([
    [1920, 1080, '16:9'],
    [1280, 720, '16:9'],
    [600, 480, '1:1'],
    [640, 480, '16:9'],
    [500, 500, '1:1'],
    [720, 1280, '9:16'],
    [3000, 1000, '16:9'],
    [1, 1000, '9:16'],
  ])('picks the closest listed aspect ratio for %dx%d: %s', (w, h, aspect) => {
    expect(closestAspect(video, w, h)).toBe(aspect);
  });

  it('centre-crops the long side rather than letterboxing', () => {
    expect(centreCrop(200, 100, 1)).toEqual({ x: 50, y: 0, width: 100, height: 100 });
    expect(centreCrop(100, 300, 1)).toEqual({ x: 0, y: 100, width: 100, height: 100 });
    // A 64×32 image with red left quarter, green middle half, blue right quarter → 32×32: all green.
    const wide = frame(64, 32, (x) => (x < 16 ? [255, 0, 0] : x < 48 ? [0, 255, 0] : [0, 0, 255]));
    const fitted = fitClip({ width: 64, height: 32, frames: [wide] }, { width: 32, height: 32 });
    for (const [x, y] of [[0, 0], [31, 31], [16, 5]] as const) expect(pixel(fitted.frames[0]!, 32, x, y)).toEqual([0, 255, 0, 255]);
  });

  it('averages when shrinking (a 1-pixel checkerboard becomes flat gray) and keeps flat colours exact', () => {
    const checker = frame(112, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const fitted = fitClip({ width: 112, height: 64, frames: [checker] }, { width: 56, height: 32 });
    for (let i = 0; i < fitted.frames[0]!.length; i += 4) expect(Math.abs(fitted.frames[0]![i]! - 127.5)).toBeLessThanOrEqual(3);
    const flat = frame(333, 187, () => [12, 200, 99]);
    const fittedFlat = fitClip({ width: 333, height: 187, frames: [flat, flat] }, { width: 56, height: 32 });
    expect(fittedFlat.frames).toHaveLength(2);
    expect(new Set(Array.from({ length: 56 * 32 }, (_, p) => pixel(fittedFlat.frames[1]!, 56, p % 56, Math.floor(p / 56)).join()))).toEqual(new Set(['12,200,99,255']));
  });

  it('keeps a frame of the target size as it is, and enlarges small ones smoothly', () => {
    const f = frame(56, 32, (x, y) => [x * 4, y * 8, 77]);
    expect(fitClip({ width: 56, height: 32, frames: [f] }, { width: 56, height: 32 }).frames[0]).toEqual(f);
    const tiny = frame(2, 1, (x) => (x ? [200, 0, 0] : [0, 0, 0]));
    const big = fitClip({ width: 2, height: 1, frames: [tiny] }, { width: 56, height: 28 } as never).frames[0]!;
    const row = Array.from({ length: 56 }, (_, x) => big[x * 4]!);
    expect(row[0]).toBe(0);
    expect(row[55]).toBe(200);
    expect(row.every((v, i) => i === 0 || v >= row[i - 1]!)).toBe(true);
  });

  it('composites transparent pixels over black', () => {
    const half = frame(4, 4, () => [200, 100, 50, 128]);
    expect(pixel(fitClip({ width: 4, height: 4, frames: [half] }, { width: 4, height: 4 }).frames[0]!, 4, 1, 1)).toEqual([100, 50, 25, 255]);
  });

  it.each([
    [{ width: 0, height: 4, frames: [new Uint8ClampedArray(0)] }, /size 0x4/],
    [{ width: 4, height: 4, frames: [] }, /has no frames/],
    [{ width: 4, height: 4, frames: [new Uint8ClampedArray(64), new Uint8ClampedArray(12)] }, /frame 1 holds 12 bytes, expected 64 \(4x4 RGBA\)/],
  ])('refuses a malformed clip with code invalid-source: %#', (clip, message) => {
    let error: PipelineError | undefined;
    try {
      checkClip(clip, 'the clip');
    } catch (e) {
      error = e as PipelineError;
    }
    expect(error?.code).toBe('invalid-source');
    expect(error?.message).toMatch(message);
  });
});
