import { describe, expect, it } from 'vitest';
import { clipCost } from '../../src/models/computeBounds';
import { ManifestError, decodedSize, parseManifest } from '../../src/models/manifest';
import { validManifestJson } from '../fixtures/manifestFixture';

function refusal(mutate: (m: Record<string, any>) => void): ManifestError {
  const json = validManifestJson();
  mutate(json);
  try {
    parseManifest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted an invalid manifest');
}

describe('video.decoderUpscale', () => {
  it('is absent from a pack that does not declare it, whose frames are its sizes', () => {
    const manifest = parseManifest(validManifestJson());
    expect(Object.hasOwn(manifest.video, 'decoderUpscale')).toBe(false);
    expect(decodedSize(manifest.video, manifest.video.sizes['16:9']!)).toEqual({ width: 56, height: 32 });
  });

  it('makes the decoded frames that many times wider and taller than the model size', () => {
    const json = validManifestJson();
    json.video.decoderUpscale = 4;
    const manifest = parseManifest(json);
    expect(manifest.video.decoderUpscale).toBe(4);
    expect(manifest.video.sizes['16:9']).toEqual({ width: 56, height: 32 });
    expect(decodedSize(manifest.video, manifest.video.sizes['16:9']!)).toEqual({ width: 224, height: 128 });
    expect(decodedSize(manifest.video, manifest.video.sizes['9:16']!)).toEqual({ width: 128, height: 224 });
  });

  it('refuses anything but a whole number from 1 to 8, naming the field', () => {
    for (const [value, code] of [
      [0, 'invalid-value'],
      [9, 'invalid-value'],
      [2.5, 'wrong-type'],
      ['4', 'wrong-type'],
      [null, 'wrong-type'],
    ] as const) {
      const error = refusal((m) => (m.video.decoderUpscale = value));
      expect(error.field).toBe('video.decoderUpscale');
      expect(error.code).toBe(code);
      expect(error.message).toContain('video.decoderUpscale');
    }
  });

  it('counts the decoded frames against the limits: the buffer and the pixels per frame', () => {
    const json = validManifestJson();
    json.video.decoderUpscale = 4;
    const manifest = parseManifest(json);
    const cost = clipCost(manifest, manifest.video.sizes['16:9']!, 33);
    expect(cost.pixelsPerFrame).toBe(224 * 128);
    expect(cost.buffers.map((b) => b.name)).toContain('decoded frames [1, 3, 33, 128, 224]');

    const error = refusal((m) => {
      m.video.sizes = { '16:9': { width: 400, height: 224 } };
      m.video.frameCounts = [1];
      m.video.decoderUpscale = 8;
    });
    expect(error.code).toBe('exceeds-limit');
    expect(error.field).toBe('video.sizes.16:9 × video.decoderUpscale');
    expect(error.message).toContain('3200×1792');
  });
});
