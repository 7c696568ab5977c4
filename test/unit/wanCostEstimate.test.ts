/** P6 for Wan2.1: seconds per clip put together from components measured one at a time (bench/wanCostEstimate.ts). */
import { describe, expect, it } from 'vitest';
import { ditAtTokens, estimateClip, vaeAtFrames } from '../../bench/wanCostEstimate';

const CLIP = { ditTokens: 1200, latentFrames: 5 };
const BASE = { name: 'base', steps: 20, cfg: true };
const DISTILLED = { name: 'distilled', steps: 4, cfg: false };
const VAE = { firstSeconds: 3, stepSeconds: [10, 12, 11, 11] };

describe('Wan2.1 seconds per clip (P6)', () => {
  it('counts two text encodings and two DiT rows per step with CFG, one of each without', () => {
    const base = estimateClip(BASE, 2, { seconds: 50, tokens: 1200 }, VAE, CLIP);
    expect(base).toMatchObject({ textEncoderRuns: 2, ditRuns: 40, parts: { text: 4, dit: 2000, vae: 47 }, seconds: 2051, ditScaled: false, vaeExtended: false });
    const distilled = estimateClip(DISTILLED, 2, { seconds: 50, tokens: 1200 }, VAE, CLIP);
    expect(distilled).toMatchObject({ textEncoderRuns: 1, ditRuns: 4, parts: { text: 2, dit: 200, vae: 47 }, seconds: 249 });
  });

  it('scales a DiT measured at fewer tokens linearly and says so', () => {
    expect(ditAtTokens({ seconds: 20, tokens: 480 }, 1200)).toBe(50);
    expect(estimateClip(DISTILLED, 1, { seconds: 20, tokens: 480 }, VAE, CLIP)).toMatchObject({ parts: { dit: 200 }, ditScaled: true });
  });

  it('extends a shorter VAE decode by its mean step run and says so', () => {
    expect(vaeAtFrames({ firstSeconds: 3, stepSeconds: [10, 12] }, 5)).toBe(3 + 4 * 11);
    expect(vaeAtFrames({ firstSeconds: 3, stepSeconds: [] }, 1)).toBe(3);
    expect(estimateClip(DISTILLED, 1, { seconds: 1, tokens: 1200 }, { firstSeconds: 3, stepSeconds: [10] }, CLIP)).toMatchObject({ parts: { vae: 43 }, vaeExtended: true });
  });

  it('refuses what it cannot estimate', () => {
    expect(() => vaeAtFrames({ firstSeconds: 3, stepSeconds: [] }, 5)).toThrow(/no step run/);
    expect(() => ditAtTokens({ seconds: 1, tokens: 0 }, 1200)).toThrow(/positive/);
    expect(() => estimateClip({ name: 'x', steps: 0, cfg: true }, 1, { seconds: 1, tokens: 1 }, VAE, CLIP)).toThrow(/steps/);
  });
});
