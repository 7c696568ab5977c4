/**
 * tessera-tiny-2: tessera-tiny's graphs with a super-resolving decoder (training/export_sr_decoder.py).
 * The decoder graph against the torch model it was exported from (test/fixtures/parity-sr-decoder.json),
 * the pack's manifest, and a generation through the pipeline at the decoded size.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { decodedSize } from '../../src/models/manifest';
import { generateVideo } from '../../src/pipeline/videoModes';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';

const PACK = 'public/models/tessera-tiny-2';
const BASE = 'public/models/tessera-tiny';
const fixture = JSON.parse(readFileSync('test/fixtures/parity-sr-decoder.json', 'utf8')) as Record<string, unknown>;

function floats(key: string): Float32Array {
  const bytes = Buffer.from(fixture[key] as string, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('tessera-tiny-2', () => {
  it('declares 4× decoded frames and shares every other graph with tessera-tiny byte for byte', async () => {
    const [pack, base] = await Promise.all([readManifestFile(PACK), readManifestFile(BASE)]);
    expect(pack.video.decoderUpscale).toBe(4);
    expect(pack.video.sizes).toEqual(base.video.sizes);
    expect(Object.values(pack.video.sizes).map((size) => decodedSize(pack.video, size))).toEqual([
      { width: 224, height: 128 },
      { width: 128, height: 128 },
      { width: 128, height: 224 },
    ]);
    for (const role of ['textEncoder', 'dit', 'vaeEncoder']) {
      const file = (m: typeof pack) => m.files.find((f) => f.role === role)!.sha256;
      expect(file(pack)).toBe(file(base));
    }
    expect(pack.files.find((f) => f.role === 'vaeDecoder')!.sha256).not.toBe(base.files.find((f) => f.role === 'vaeDecoder')!.sha256);
  });

  it('decodes latents as torch does with the same int8 weights, and within the quantisation error of the float ones', async () => {
    const session = await ort.InferenceSession.create(`${PACK}/vae_decoder.onnx`);
    const { frames } = await session.run({ latents: new ort.Tensor('float32', floats('latents'), fixture.latentShape as number[]) });
    expect(frames!.dims).toEqual(fixture.frameShape);
    expect(frames!.dims.slice(3)).toEqual([128, 224]); // 8×14 latents → 32×56 model size → 128×224 frames
    expect(maxAbsDiff(frames!.data as Float32Array, floats('int8Frames'))).toBeLessThan(1e-4);
    expect(maxAbsDiff(frames!.data as Float32Array, floats('floatFrames'))).toBeLessThan(0.05);
  });

  it('generates frames at four times the model size through the pipeline', async () => {
    const manifest = await readManifestFile(PACK);
    const architecture = createArchitecture(manifest, createNodeRunner(PACK, manifest));
    const video = await generateVideo(architecture, manifest, { prompt: 'a red square moving right on a blue background', seed: 1, steps: 4, aspect: '16:9', frames: 1, mode: { kind: 'text' } });
    expect([video.width, video.height]).toEqual([224, 128]);
    expect(video.frames[0]).toHaveLength(224 * 128 * 4);
  });
});
