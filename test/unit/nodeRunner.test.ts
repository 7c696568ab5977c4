/**
 * The shipped pack on onnxruntime-node: graph names and shapes as docs/model-pack.md states them,
 * and the pipeline end to end. The pack is committed, so a missing pack fails here, never skips.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFor, type Manifest } from '../../src/models/manifest';
import { float32Output, type ModelRunner } from '../../src/pipeline/modelRunner';
import { tesseraTiny } from '../../src/architectures/tessera-tiny/tesseraTiny';
import { textToVideo } from '../../src/pipeline/textToVideo';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';
import { TESSERA_TINY_DIR } from '../fixtures/packDirs';

let manifest: Manifest;
let runner: ModelRunner;

beforeAll(async () => {
  manifest = await readManifestFile(TESSERA_TINY_DIR);
  runner = await createNodeRunner(TESSERA_TINY_DIR, manifest, { threads: 1 });
});
afterAll(() => runner?.release());

describe('the shipped pack on onnxruntime-node', () => {
  it('has a valid manifest whose files exist', () => {
    expect(manifest.name).toBe('tessera-tiny');
    expect(join(TESSERA_TINY_DIR, fileFor(manifest, 'dit').path)).toMatch(/dit\.onnx$/);
  });

  it('runs each graph with the documented names and shapes', async () => {
    const { maxLength } = manifest.tokenizer;
    const { embedDim } = manifest.text;
    const text = float32Output(await runner.run('textEncoder', { input_ids: { data: new BigInt64Array(2 * maxLength), dims: [2, maxLength] } }), 'textEncoder', 'text_embeds');
    expect(text.dims).toEqual([2, maxLength, embedDim]);

    const { channels, temporalCompression: tc, spatialCompression: sc } = manifest.latent;
    const p = channels * manifest.patch.t * manifest.patch.h * manifest.patch.w;
    const n = 6;
    const dit = await runner.run('dit', {
      tokens: { data: new Float32Array(2 * n * p), dims: [2, n, p] },
      positions: { data: Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === 2 ? Math.floor(i / 3) : 0)), dims: [n, 3] },
      timestep: { data: Float32Array.of(1, 0.5), dims: [2] },
      text_embeds: text,
    });
    expect(Object.keys(dit)).toEqual(['velocity']);
    expect(dit.velocity!.dims).toEqual([2, n, p]);

    const latents = { data: new Float32Array(channels * 3 * 2 * 4), dims: [1, channels, 3, 2, 4] };
    const frames = float32Output(await runner.run('vaeDecoder', { latents }), 'vaeDecoder', 'frames');
    expect(frames.dims).toEqual([1, 3, 1 + tc * 2, 2 * sc, 4 * sc]);
    const encoded = float32Output(await runner.run('vaeEncoder', { frames }), 'vaeEncoder', 'latents');
    expect(encoded.dims).toEqual(latents.dims);
  });

  it('refuses a role the pack does not declare, naming it', async () => {
    await expect(runner.run('upsampler', {})).rejects.toThrow(/upsampler/);
  });

  it('serializes concurrent runs and answers each', async () => {
    const { maxLength } = manifest.tokenizer;
    const runs = [1, 2, 3].map((b) => runner.run('textEncoder', { input_ids: { data: new BigInt64Array(b * maxLength), dims: [b, maxLength] } }));
    expect((await Promise.all(runs)).map((outputs) => outputs.text_embeds!.dims[0])).toEqual([1, 2, 3]);
  });

  it('generates the same frames for the same seed and different ones for another', async () => {
    const request = { prompt: 'a red circle moving left on a blue background', seed: 3, aspect: '1:1', frames: 9, steps: 3 };
    const architecture = tesseraTiny(manifest, runner);
    const a = await textToVideo(architecture, manifest, request);
    const b = await textToVideo(architecture, manifest, request);
    const c = await textToVideo(architecture, manifest, { ...request, seed: 4 });
    expect(a.frames).toHaveLength(9);
    expect(a.frames[0]).toHaveLength(32 * 32 * 4);
    expect(a.frames).toEqual(b.frames);
    expect(a.frames).not.toEqual(c.frames);
    expect(new Set(a.frames[0]).size).toBeGreaterThan(8); // a picture, not a flat fill
  });

  it('gives the same frames under the sequential memory plan, making each session again when its role comes back', async () => {
    const request = { prompt: 'a blue square moving right on a green background', seed: 5, aspect: '1:1', frames: 9, steps: 2 };
    const roles: string[] = [];
    const sequential = createNodeRunner(TESSERA_TINY_DIR, manifest, { threads: 1, memoryPlan: 'sequential', onRun: (timing) => roles.push(timing.role) });
    try {
      const expected = await textToVideo(tesseraTiny(manifest, runner), manifest, request);
      const first = await textToVideo(tesseraTiny(manifest, sequential), manifest, request);
      const second = await textToVideo(tesseraTiny(manifest, sequential), manifest, request);
      expect(first.frames).toEqual(expected.frames);
      expect(second.frames).toEqual(expected.frames);
      expect(roles).toEqual(['textEncoder', 'dit', 'dit', 'vaeDecoder', 'textEncoder', 'dit', 'dit', 'vaeDecoder']);
    } finally {
      await sequential.release();
    }
  });
});
