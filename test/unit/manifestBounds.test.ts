import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clipCost, textEmbeddingBuffer } from '../../src/models/computeBounds';
import {
  MAX_BUFFER_BYTES,
  MAX_FRAMES_PER_CLIP,
  MAX_PIXELS_PER_FRAME,
  MAX_TOKENS_PER_CLIP,
  ManifestError,
  parseManifest,
  type Manifest,
} from '../../src/models/manifest';
import { latentDims } from '../../src/pipeline/latents';
import { tokenGrid } from '../../src/architectures/tessera-tiny/patches';
import { validManifestJson, wanLikeManifestJson } from '../fixtures/manifestFixture';

const BUILT_IN_PACKS = ['tessera-tiny-2', 'tessera-tiny', 'tessera-tiny-fp32'];

function builtInManifestJson(pack: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../public/models/${pack}/manifest.json`, import.meta.url), 'utf8'));
}

/** The error `parseManifest` throws on `json`, failing the test if it accepts it. */
function refusal(json: unknown): ManifestError {
  try {
    parseManifest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted a manifest beyond the limits');
}

/** The largest token count over every size × frame count a manifest offers. */
function largestClipTokens(manifest: Manifest): number {
  const sizes = Object.values(manifest.video.sizes);
  return Math.max(...sizes.flatMap((size) => manifest.video.frameCounts.map((frames) => clipCost(manifest, size, frames).tokens)));
}

describe('compute bounds of a manifest', () => {
  it.each(BUILT_IN_PACKS)('accepts the built-in pack %s', (pack) => {
    const manifest = parseManifest(builtInManifestJson(pack));
    expect(largestClipTokens(manifest)).toBe(252);
  });

  it('accepts a Wan2.1-like pack at browser scale: 320×192 × 33 frames is 2,160 tokens', () => {
    const manifest = parseManifest(wanLikeManifestJson());
    const cost = clipCost(manifest, { width: 320, height: 192 }, 33);
    expect(cost.tokens).toBe(9 * 12 * 20);
    expect(cost.latentElements).toBe(16 * 9 * 24 * 40);
    expect(largestClipTokens(manifest)).toBe(9 * 16 * 16); // 256×256 × 33 frames
    expect(textEmbeddingBuffer(manifest).bytes).toBe(2 * 512 * 4096 * 4);
  });

  it('counts tokens as the pipeline lays them out', () => {
    for (const json of [validManifestJson(), wanLikeManifestJson()]) {
      const manifest = parseManifest(json);
      for (const size of Object.values(manifest.video.sizes)) {
        for (const frames of manifest.video.frameCounts) {
          const grid = tokenGrid(latentDims(manifest.latent, size, frames), manifest.patch);
          expect(clipCost(manifest, size, frames).tokens).toBe(grid.count);
        }
      }
    }
  });

  it('refuses 8192×8192 frames, naming the size, the pixels it asks for and the limit', () => {
    const json = validManifestJson();
    json.video.sizes['1:1'] = { width: 8192, height: 8192 };
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    expect(error.field).toBe('video.sizes.1:1');
    expect(error.message).toContain('8192×8192 is 67,108,864 pixels per frame');
    expect(error.message).toContain(`at most ${MAX_PIXELS_PER_FRAME.toLocaleString('en-US')}`);
  });

  it('refuses Wan2.1 at 832×480 × 81 frames (32,760 tokens), naming the combination', () => {
    const json = wanLikeManifestJson();
    json.video.sizes['16:9'] = { width: 832, height: 480 };
    json.video.frameCounts = [1, 81];
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    expect(error.field).toBe('video.sizes.16:9 × video.frameCounts[1]');
    expect(error.message).toContain('832×480 × 81 frames asks for 32,760 tokens per clip');
    expect(error.message).toContain('at most 8,192');
  });

  it('refuses 99,997 frames per clip', () => {
    const json = validManifestJson();
    json.video.frameCounts = [1, 9, 99_997];
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    expect(error.field).toBe('video.frameCounts[2]');
    expect(error.message).toContain(`99,997 frames per clip; Tessera allows at most ${MAX_FRAMES_PER_CLIP.toLocaleString('en-US')}`);
  });

  it('refuses a pack without compression (spatialCompression 1, patch 1×1×1)', () => {
    const json = validManifestJson();
    json.latent.spatialCompression = 1;
    json.patch = { t: 1, h: 1, w: 1 };
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    // 56×32 × 17 frames: 5 latent frames of 56×32 tokens.
    expect(error.message).toContain('56×32 × 17 frames asks for 8,960 tokens per clip');
  });

  it('refuses the 6×10⁸-token pack of the issue', () => {
    const json = validManifestJson();
    json.latent.spatialCompression = 1;
    json.patch = { t: 1, h: 1, w: 1 };
    json.video.sizes = { '1:1': { width: 2048, height: 1024 } };
    json.video.frameCounts = [1021];
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    expect(error.message).toContain('asks for 536,870,912 tokens per clip');
  });

  it('refuses decoded frames over the buffer budget even when tokens are few', () => {
    // Space /64 with patch 2: 1920×1024 × 49 frames is 13 × 8 × 15 = 1,560 tokens but 1,102.5 MiB of float32 frames.
    const json = validManifestJson();
    json.latent = { channels: 4, temporalCompression: 4, spatialCompression: 64, causalFirstFrame: true };
    json.video.sizes = { '15:8': { width: 1920, height: 1024 } };
    json.video.frameCounts = [1, 49];
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    expect(error.field).toBe('video.sizes.15:8 × video.frameCounts[1]');
    expect(error.message).toContain('decoded frames [1, 3, 49, 1024, 1920], 1,103 MiB');
    expect(error.message).toContain('buffers of 256 MiB');
  });

  it('refuses text embeddings over the buffer budget', () => {
    const json = validManifestJson();
    json.tokenizer.maxLength = 4096;
    json.text.embedDim = 65536;
    const error = refusal(json);
    expect(error.code).toBe('exceeds-limit');
    expect(error.field).toBe('text.embedDim');
    expect(error.message).toContain('text embeddings [2, 4096, 65536], 2,048 MiB');
  });

  it('allows exactly the limits: 8,192 tokens, whose attention scores fill the whole budget', () => {
    const json = validManifestJson();
    // Space /4, patch 2: 512×256 is 64×32 tokens a latent frame; 13 frames are 4 latent frames.
    json.video.sizes = { '2:1': { width: 512, height: 256 } };
    json.video.frameCounts = [1, 13];
    const manifest = parseManifest(json);
    const cost = clipCost(manifest, { width: 512, height: 256 }, 13);
    expect(cost.tokens).toBe(MAX_TOKENS_PER_CLIP);
    expect(cost.largestBuffer.bytes).toBe(MAX_BUFFER_BYTES);
    json.video.frameCounts = [1, 17];
    expect(refusal(json).message).toContain('10,240 tokens per clip');
  });
});
