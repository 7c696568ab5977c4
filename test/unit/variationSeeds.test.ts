import { describe, expect, it } from 'vitest';
import { variationSeeds } from '../../src/queue/variationSeeds';

describe('variation seeds', () => {
  it('starts with the base seed and gives distinct uint32 seeds, the same every time', () => {
    const seeds = variationSeeds(42, 4);
    expect(seeds[0]).toBe(42);
    expect(new Set(seeds).size).toBe(4);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true);
    expect(variationSeeds(42, 4)).toEqual(seeds);
    // A longer set extends the shorter one, so "Generate 4" from seed 42 always begins the same way.
    expect(variationSeeds(42, 8).slice(0, 4)).toEqual(seeds);
  });

  it('gives unrelated sets for neighbouring base seeds, at the ends of the range too', () => {
    const a = variationSeeds(1, 4);
    const b = variationSeeds(2, 4);
    expect(a.slice(1).some((seed) => b.includes(seed))).toBe(false);
    expect(new Set(variationSeeds(0, 4)).size).toBe(4);
    expect(new Set(variationSeeds(0xffffffff, 4)).size).toBe(4);
  });

  it('stays distinct over many seeds', () => {
    expect(new Set(variationSeeds(7, 1000)).size).toBe(1000);
  });

  it('names a bad base seed or count', () => {
    expect(() => variationSeeds(-1, 4)).toThrow(/base seed -1 is not an integer from 0 to 4294967295/);
    expect(() => variationSeeds(1.5, 4)).toThrow(/base seed 1.5/);
    expect(() => variationSeeds(1, 0)).toThrow(/variation count 0 is not a positive integer/);
  });
});
