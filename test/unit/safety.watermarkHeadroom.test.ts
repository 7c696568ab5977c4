/**
 * The watermark on near-black (and blown-out white) frames, like the built-in model's clips with black
 * backgrounds: the mark must survive a crop, a rescale and a lossy codec there as it does on mid-tones,
 * and unmarked dark clips must still not be flagged.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/pipeline/noise';
import { DETECTION_ALPHA, detectWatermark, detectWatermarkInLuma, embedWatermarkFrames, meanLumaOfGray, psnrRgb, type WatermarkDetection } from '../../src/safety/watermark';
import { headroomCurve, headroomLevels } from '../../src/safety/watermarkHeadroom';
import { codecLuma, cropAndScale } from '../fixtures/videoDegradation';

const W = 224;
const H = 128;
const PAYLOAD = 0x7e55e7a0;
/** Quantiser steps of the codec stand-in: H.264 at QP ≈ 16 and QP ≈ 25 (a re-encode; QP 28 is 16). */
const LIGHT_CODEC = 4;
const HEAVY_CODEC = 12;
const GREEN: [number, number, number] = [40, 190, 70];

/**
 * A clip like the model's "green square moving up on a black background": a background of 4×4-pixel
 * blocks (the ×4 upscale) drawn from `levels`, and a 24-pixel square moving up 8 pixels a frame.
 */
function darkClip(frames: number, levels: readonly number[], square: readonly number[] = GREEN): Uint8ClampedArray[] {
  const next = mulberry32(1);
  const blocks = Array.from({ length: (W / 4) * (H / 4) }, () => levels[next() % levels.length]!);
  return Array.from({ length: frames }, (_, t) => {
    const f = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = x >= 96 && x < 120 && y >= 72 - 8 * t && y < 96 - 8 * t;
        const i = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) f[i + c] = inside ? square[c]! : blocks[(y >> 2) * (W / 4) + (x >> 2)]!;
        f[i + 3] = 255;
      }
    }
    return f;
  });
}

/** A 5% crop, scaling to 80%, then the codec stand-in; detection on the decoded luma. */
function detectAfterCodec(frames: readonly Uint8ClampedArray[], step = HEAVY_CODEC): WatermarkDetection {
  const cut = frames.map((f) => cropAndScale(f, W, H, [9, 4, 3, 3], 0.8));
  const { width, height } = cut[0]!;
  const luma = cut.map((c) => codecLuma(c.frame, width, height, step));
  return detectWatermarkInLuma(meanLumaOfGray(luma, width, height), width, height);
}

const CLIPS = {
  'black background with a green square': darkClip(6, [0]),
  'near-black background (levels 0-1) with a green square': darkClip(6, [0, 0, 1]),
  'near-black background (levels 0-8) with a dim grey square': darkClip(6, [0, 0, 0, 1, 1, 2, 8], [8, 8, 8]),
  'one black frame with a green square (an image)': darkClip(1, [0]),
  'white background with a green square': darkClip(6, [255]),
};

describe('watermark on near-black and near-white frames', () => {
  for (const [name, clip] of Object.entries(CLIPS)) {
    it(`is found after a crop, scaling to 80% and a codec at QP ≈ 25: ${name}`, () => {
      const d = detectAfterCodec(embedWatermarkFrames(clip, W, H, PAYLOAD));
      expect(d.detected).toBe(true);
      expect(d.logPValue).toBeLessThan(Math.log(DETECTION_ALPHA) - 10);
    });

    it(`is not found in the unmarked clip, before or after the codec: ${name}`, () => {
      for (const d of [detectWatermark(clip, W, H), detectAfterCodec(clip)]) {
        expect(d.detected).toBe(false);
        expect(Math.exp(d.logPValue)).toBeGreaterThan(DETECTION_ALPHA * 100);
      }
    });
  }

  it('is about as strong on black as on mid-grey, with its payload, after a high-quality codec', () => {
    const onBlack = detectAfterCodec(embedWatermarkFrames(CLIPS['black background with a green square'], W, H, PAYLOAD), LIGHT_CODEC);
    const onGrey = detectAfterCodec(embedWatermarkFrames(darkClip(6, [60]), W, H, PAYLOAD), LIGHT_CODEC);
    expect(onBlack.payload).toBe(PAYLOAD);
    expect(onBlack.logPValue).toBeLessThan(0.8 * onGrey.logPValue);
  });

  it('stays invisible on black: PSNR above 38 dB, black raised by under 3 levels on average', () => {
    const clip = CLIPS['black background with a green square'];
    const marked = embedWatermarkFrames(clip, W, H, PAYLOAD);
    for (const [i, frame] of marked.entries()) {
      expect(psnrRgb(clip[i]!, frame)).toBeGreaterThan(38);
      let sum = 0;
      for (let p = 0; p < frame.length; p += 4) sum += frame[p]! - clip[i]![p]!;
      expect(sum / (W * H)).toBeLessThan(3);
    }
  });

  it('marks frames with no near-black or near-white channel exactly as without headroom', () => {
    const mid = darkClip(3, [60, 90, 120], [200, 120, 30]);
    expect(embedWatermarkFrames(mid, W, H, PAYLOAD)).toEqual(embedWatermarkFrames(mid, W, H, PAYLOAD, { headroom: false }));
  });
});

describe('watermark headroom curve', () => {
  const h = headroomLevels(2.2, true);
  const curve = headroomCurve(h);

  it('lifts black by h and lowers white by h, keeping levels in order and mid-tones unchanged', () => {
    expect(h).toBeCloseTo(2.31, 2);
    expect(curve[0]).toBeCloseTo(h, 5);
    expect(curve[255]).toBeCloseTo(255 - h, 5);
    for (let v = 1; v < 256; v++) expect(curve[v]!).toBeGreaterThan(curve[v - 1]!);
    for (let v = 5; v <= 250; v++) expect(curve[v]).toBe(v);
  });

  it('rejects a headroom outside 0-64 levels', () => {
    expect(() => headroomCurve(-1)).toThrow(/0 to 64 levels, got -1/);
    expect(() => headroomCurve(Number.NaN)).toThrow(RangeError);
  });
});
