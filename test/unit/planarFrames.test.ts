import { describe, expect, it } from 'vitest';
import { planarToRgba, rgbaToPlanar } from '../../src/pipeline/planarFrames';

const UNIT = { black: 0, white: 1 };
const SIGNED = { black: -1, white: 1 };

describe('planar RGB ↔ RGBA in a family’s value range', () => {
  it('maps [0, 1] to bytes as v·255, rounded and clamped, with opaque alpha', () => {
    // 2 frames of 1 pixel: planar [3, 2, 1]
    const rgb = Float32Array.of(0, 1.7, 0.5, -0.3, 1, 0.2);
    const [a, b] = planarToRgba(rgb, 2, 1, UNIT);
    expect([...a!]).toEqual([0, 128, 255, 255]);
    expect([...b!]).toEqual([255, 0, 51, 255]);
  });

  it('maps [-1, 1] so that −1 is black, 0 mid-gray and 1 white', () => {
    const [image] = planarToRgba(Float32Array.of(-1, 0, 1), 1, 1, SIGNED);
    expect([...image!]).toEqual([0, 128, 255, 255]);
  });

  it('reads bytes back into the range, the inverse up to rounding', () => {
    const frames = [Uint8ClampedArray.of(0, 128, 255, 255, 10, 20, 30, 255)];
    expect([...rgbaToPlanar(frames, 2, UNIT)]).toEqual([0, 10 / 255, 128 / 255, 20 / 255, 1, 30 / 255].map(Math.fround));
    const signed = rgbaToPlanar(frames, 2, SIGNED);
    expect(signed[0]).toBe(-1);
    expect(signed[4]).toBe(1);
    expect(planarToRgba(signed, 1, 2, SIGNED)[0]).toEqual(frames[0]);
  });
});
