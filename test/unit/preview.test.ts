import { describe, expect, it } from 'vitest';
import { latentPreview } from '../../src/pipeline/preview';

describe('latentPreview', () => {
  const preview = {
    weights: [
      [0.5, 0, 0],
      [0, 0.25, 0],
    ] as [number, number, number][],
    bias: [0.5, 0.5, 0.5] as [number, number, number],
  };

  it('projects each latent pixel to RGB with the pack weights, per latent frame', () => {
    // [1, C=2, T=2, h=1, w=2]: channel 0 = [1, -1 | 0, 2], channel 1 = [0, 2 | -2, 0]
    const latents = { data: Float32Array.of(1, -1, 0, 2, 0, 2, -2, 0), dims: [1, 2, 2, 1, 2] };
    const result = latentPreview(latents, preview);
    expect(result.width).toBe(2);
    expect(result.height).toBe(1);
    expect([...result.frames[0]!]).toEqual([255, 128, 128, 255, 0, 255, 128, 255]);
    expect([...result.frames[1]!]).toEqual([128, 0, 128, 255, 255, 128, 128, 255]);
  });

  it('refuses latents whose channels do not match the projection', () => {
    expect(() => latentPreview({ data: new Float32Array(3), dims: [1, 3, 1, 1, 1] }, preview)).toThrow(/3 preview|2 preview/);
  });
});
