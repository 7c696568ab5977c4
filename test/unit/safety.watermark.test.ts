import { describe, expect, it } from 'vitest';
import { fLogSurvival } from '../../src/safety/fDistribution';
import { DETECTION_ALPHA, detectWatermark, embedWatermark, embedWatermarkFrames, psnrRgb } from '../../src/safety/watermark';
import { codewordSigns, payloadFromSigns } from '../../src/safety/watermarkPattern';
import { cropAndScale } from '../fixtures/videoDegradation';

/** A Tessera-like clip: a disc moving right over a vertical gradient, with mild sensor noise. */
function clip(width: number, height: number, frames: number, seed: number): Uint8ClampedArray[] {
  let state = seed >>> 0;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 6;
  };
  return Array.from({ length: frames }, (_, t) => {
    const f = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const disc = (x - width * 0.2 - t * 5) ** 2 + (y - height / 2) ** 2 < (height / 5) ** 2;
        const base = disc ? [230, 200, 40] : [40 + (120 * y) / height, 80, 160];
        for (let c = 0; c < 3; c++) f[i + c] = base[c]! + noise();
        f[i + 3] = 255;
      }
    }
    return f;
  });
}

describe('watermark', () => {
  const W = 224;
  const H = 128;
  const original = clip(W, H, 6, 1);
  const payload = 0x7e55e7a0;
  const marked = embedWatermarkFrames(original, W, H, payload);

  it('is invisible: PSNR above 38 dB', () => {
    for (const [i, frame] of marked.entries()) expect(psnrRgb(original[i]!, frame)).toBeGreaterThan(38);
  });

  it('is detected with its payload', () => {
    const d = detectWatermark(marked, W, H);
    expect(d.detected).toBe(true);
    expect(d.confidence).toBeGreaterThan(0.999);
    expect(d.payload).toBe(payload);
  });

  it('is detected in a single frame (an image)', () => {
    const one = embedWatermark(original[0]!, W, H, payload);
    expect(detectWatermark([one], W, H).payload).toBe(payload);
  });

  it('survives a 5% crop and scaling to 80%', () => {
    const attacked = marked.map((f) => cropAndScale(f, W, H, [9, 4, 3, 3], 0.8));
    const d = detectWatermark(attacked.map((a) => a.frame), attacked[0]!.width, attacked[0]!.height);
    expect(d.detected).toBe(true);
    expect(d.payload).toBe(payload);
  });

  it('is not found in unmarked video, and its p-value stays far from the threshold', () => {
    const d = detectWatermark(original, W, H);
    expect(d.detected).toBe(false);
    expect(Math.exp(d.logPValue)).toBeGreaterThan(DETECTION_ALPHA * 100);
    expect(d.payload).toBeUndefined();
  });

  it('refuses frames too small to carry the mark', () => {
    expect(() => embedWatermark(new Uint8ClampedArray(56 * 32 * 4), 56, 32, 1)).toThrow(/at least 64/);
  });
});

describe('watermark codeword', () => {
  it('round-trips a payload and rejects a flipped bit through the CRC', () => {
    const signs = codewordSigns(0xdeadbeef);
    expect(payloadFromSigns(signs)).toBe(0xdeadbeef);
    const flipped = [...signs];
    flipped[5] = -flipped[5]!;
    expect(payloadFromSigns(flipped)).toBeNull();
  });
  it('rejects payloads that are not unsigned 32-bit integers', () => {
    expect(() => codewordSigns(2 ** 32)).toThrow(RangeError);
    expect(() => codewordSigns(-1)).toThrow(RangeError);
  });
});

describe('F distribution tail', () => {
  it('matches the closed form P(F(2,2) > f) = 1/(1+f)', () => {
    for (const f of [0.5, 3, 40]) expect(Math.exp(fLogSurvival(f, 2, 2))).toBeCloseTo(1 / (1 + f), 10);
  });
  it('stays finite far into the tail', () => {
    const logP = fLogSurvival(200, 41, 251);
    expect(Number.isFinite(logP)).toBe(true);
    expect(logP).toBeLessThan(-300);
  });
});
