import { describe, expect, it } from 'vitest';
import { cosSinOfUint32Turn, gaussianNoise, logOfUint32Fraction, mulberry32, stepNoiseSeed } from '../../src/pipeline/noise';

describe('mulberry32', () => {
  it('produces the reference sequence (checked against an independent Python port)', () => {
    const next = mulberry32(42);
    expect([next(), next(), next(), next()]).toEqual([2581720956, 1925393290, 3661312704, 2876485805]);
    const zero = mulberry32(0);
    expect([zero(), zero()]).toEqual([1144304738, 1416247]);
  });
});

describe('portable log and cos/sin', () => {
  it('match Math.log to double precision over the whole uint32 range', () => {
    for (const k of [1, 2, 3, 1000, 65535, 2 ** 31 - 1, 2 ** 31, 3_000_000_000, 2 ** 32 - 1, 2 ** 32]) {
      expect(logOfUint32Fraction(k)).toBeCloseTo(Math.log(k / 2 ** 32), 13);
    }
  });

  it('match Math.cos/Math.sin in every quadrant', () => {
    for (let k = 0; k < 2 ** 32; k += 123_456_789) {
      const [cos, sin] = cosSinOfUint32Turn(k);
      const angle = (2 * Math.PI * k) / 2 ** 32;
      expect(cos).toBeCloseTo(Math.cos(angle), 14);
      expect(sin).toBeCloseTo(Math.sin(angle), 14);
    }
  });
});

describe('gaussianNoise', () => {
  it('reproduces golden values for a seed (Box–Muller over mulberry32, checked in Python)', () => {
    expect([...gaussianNoise(5, 42)]).toEqual(
      [-0.9561622142791748, 0.32207024097442627, -0.27302610874176025, -0.4946727454662323, -1.8416272401809692].map(Math.fround),
    );
    expect([...gaussianNoise(3, 7)]).toEqual([2.7593729496002197, 1.1319811344146729, -0.06805135309696198].map(Math.fround));
  });

  it('is the same for the same seed, different for another, and a prefix of a longer draw', () => {
    const a = gaussianNoise(1001, 123);
    expect(gaussianNoise(1001, 123)).toEqual(a);
    expect(gaussianNoise(1001, 124)).not.toEqual(a);
    expect(gaussianNoise(10, 123)).toEqual(a.subarray(0, 10));
  });

  it('has zero mean and unit variance', () => {
    const x = gaussianNoise(200_000, 9);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(x.every(Number.isFinite)).toBe(true);
  });
});

describe('stepNoiseSeed', () => {
  it('moves the seed by (step + 1) golden-ratio increments, wrapping at 2^32', () => {
    expect(stepNoiseSeed(7, 0)).toBe(2654435776); // 7 + 0x9e3779b9
    expect(stepNoiseSeed(0xffffffff, 1)).toBe(1013904241); // (2^32 − 1 + 2·0x9e3779b9) mod 2^32
    const seeds = [0, 1, 2, 3].map((step) => stepNoiseSeed(7, step));
    expect(new Set([7, ...seeds]).size).toBe(5);
  });
});
