import { describe, expect, it } from 'vitest';
import { upscaleRgba } from '../../src/media/upscale';

/** A 2×1 image: a red pixel, then a blue one. */
const RED_BLUE = Uint8ClampedArray.of(255, 0, 0, 255, 0, 0, 255, 255);

describe('upscaleRgba', () => {
  it('repeats each pixel into a k×k block with nearest', () => {
    const out = upscaleRgba(RED_BLUE, 2, 1, 2, 'nearest');
    expect(out.length).toBe(4 * 2 * 4);
    const red = [255, 0, 0, 255];
    const blue = [0, 0, 255, 255];
    expect([...out]).toEqual([...red, ...red, ...blue, ...blue, ...red, ...red, ...blue, ...blue]);
  });

  it('interpolates between pixel centres with smooth and keeps the edges', () => {
    const out = upscaleRgba(RED_BLUE, 2, 1, 4, 'smooth');
    const reds = Array.from({ length: 8 }, (_, x) => out[x * 4]!);
    expect(reds[0]).toBe(255);
    expect(reds[7]).toBe(0);
    for (let x = 1; x < 8; x++) expect(reds[x]!).toBeLessThanOrEqual(reds[x - 1]!);
    expect(reds[3]! + out[3 * 4 + 2]!).toBeGreaterThanOrEqual(254);
  });

  it('returns a copy for factor 1 and refuses factors it does not offer', () => {
    const same = upscaleRgba(RED_BLUE, 2, 1, 1, 'nearest');
    expect([...same]).toEqual([...RED_BLUE]);
    expect(same).not.toBe(RED_BLUE);
    expect(() => upscaleRgba(RED_BLUE, 2, 1, 0, 'nearest')).toThrow(/factor 0/);
    expect(() => upscaleRgba(RED_BLUE, 2, 1, 2.5, 'nearest')).toThrow(/factor 2.5/);
    expect(() => upscaleRgba(RED_BLUE, 3, 1, 2, 'nearest')).toThrow(/expected 3x1x4/);
  });
});
