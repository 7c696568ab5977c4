/** The benchmark's summaries: medians with their spread, and ratios taken pair by pair. */
import { describe, expect, it } from 'vitest';
import { pairedRatio, round, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  it('takes the median of odd and even counts and reports the range', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3, spread: 4 / 3 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('is not moved by one outlier', () => {
    expect(summarize([10, 11, 12, 10, 500]).median).toBe(11);
  });

  it('gives NaN, not a number, for no runs', () => {
    expect(summarize([]).n).toBe(0);
    expect(summarize([]).median).toBeNaN();
  });

  it('divides pair by pair, so a drift that slows both sides cancels', () => {
    const native = [100, 200, 400];
    const browser = native.map((ms) => ms * 1.5);
    expect(pairedRatio(browser, native)).toMatchObject({ median: 1.5, min: 1.5, max: 1.5, n: 3 });
  });

  it('rounds to significant figures', () => {
    expect(round(0.0123456)).toBe(0.0123);
    expect(round(1234.5, 2)).toBe(1200);
  });
});
