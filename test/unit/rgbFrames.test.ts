/** The raw-frames layout the engine returns and the bench compares against: RGB, frame-major, alpha dropped. */
import { describe, expect, it } from 'vitest';
import { rgbaFramesToRgb } from '../../src/media/rgbFrames';

describe('rgbaFramesToRgb', () => {
  it('packs each frame’s pixels as RGB, first frame first, dropping alpha', () => {
    const first = new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 0]);
    const second = new Uint8ClampedArray([7, 8, 9, 10, 11, 12, 13, 14]);
    expect([...rgbaFramesToRgb([first, second])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13]);
  });

  it('gives an empty buffer for no frames', () => {
    expect(rgbaFramesToRgb([]).length).toBe(0);
  });
});
