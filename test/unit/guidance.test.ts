import { describe, expect, it } from 'vitest';
import { applyGuidance } from '../../src/pipeline/guidance';

describe('applyGuidance', () => {
  const cond = Float32Array.of(1, 2, -3);
  const neg = Float32Array.of(0.5, 4, -3);

  it('extrapolates from the negative prediction towards the conditional one', () => {
    expect([...applyGuidance(cond, neg, 4)]).toEqual([2.5, -4, -3]);
  });

  it('is the conditional prediction at scale 1 and the negative one at scale 0', () => {
    expect(applyGuidance(cond, neg, 1)).toEqual(cond);
    expect(applyGuidance(cond, neg, 0)).toEqual(neg);
  });

  it('refuses mismatched lengths', () => {
    expect(() => applyGuidance(cond, Float32Array.of(1), 2)).toThrow(RangeError);
  });
});
