import { describe, expect, it } from 'vitest';
import { fLogSurvival } from '../../src/safety/fDistribution';
import { DETECTION_ALPHA, detectWatermark, embedWatermark, embedWatermarkFrames, psnrRgb } from '../../src/safety/watermark';
import { codewordSigns, payloadFromSigns } from '../../src/safety/watermarkPattern';

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

/** Bilinear resize plus an offset crop of an RGBA frame (what an editor or a re-upload does). */
function cropAndScale(src: Uint8ClampedArray, w: number, h: number, crop: [number, number, number, number], scale: number) {
  const [left, top, right, bottom] = crop;
  const cw = w - left - right;
  const ch = h - top - bottom;
  const ow = Math.round(cw * scale);
  const oh = Math.round(ch * scale);
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const sx = Math.min(Math.max((x + 0.5) / scale - 0.5, 0), cw - 1) + left;
      const sy = Math.min(Math.max((y + 0.5) / scale - 0.5, 0), ch - 1) + top;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, w - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 4; c++) {
        const at = (xx: number, yy: number) => src[(yy * w + xx) * 4 + c]!;
        out[(y * ow + x) * 4 + c] = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
      }
    }
  }
  return { frame: out, width: ow, height: oh };
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
