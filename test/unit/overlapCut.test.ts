/** The overlap's cut (src/storyboard/overlapCut.ts): the position whose step from the story into the segment is smallest. */
import { describe, expect, it } from 'vitest';
import { overlapCut } from '../../src/storyboard/overlapCut';

/** A 2×2 RGBA frame of one gray level. */
const gray = (level: number) => new Uint8ClampedArray(16).map((_, i) => (i % 4 === 3 ? 255 : level));

describe('overlapCut', () => {
  it('cuts after the story frame whose step into the segment’s next frame is smallest', () => {
    // Steps: 0→1: |10 − 30| = 20, 1→2: |20 − 24| = 4, 2→3: |30 − 50| = 20, 3→4: |40 − 60| = 20.
    const story = [10, 20, 30, 40].map(gray);
    const segment = [0, 30, 24, 50, 60].map(gray);
    expect(overlapCut(story, segment)).toBe(1);
  });

  it('takes the earliest of equal steps, so identical renderings cut where the overlap starts', () => {
    const frames = [10, 20, 30, 40, 50].map(gray);
    expect(overlapCut(frames.slice(0, 4), frames)).toBe(0);
    expect(overlapCut([10, 20, 30].map(gray), [0, 25, 35, 45].map(gray))).toBe(0);
  });

  it('can keep every story frame: the last candidate steps into the segment’s first new frame', () => {
    expect(overlapCut([10, 20, 30].map(gray), [90, 90, 90, 31].map(gray))).toBe(2);
  });

  it('refuses frames that do not stand at the same positions', () => {
    expect(() => overlapCut([], [gray(0)])).toThrow(RangeError);
    expect(() => overlapCut([gray(0), gray(1)], [gray(0), gray(1)])).toThrow(/2 and 2/);
  });
});
