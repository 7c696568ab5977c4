/**
 * The tiny synthetic wan2.1 pack (converter/wan/synthetic.py → convert.py, test/fixtures/wan21/tinyPack.ts)
 * through onnxruntime-node and the TypeScript architecture, against the torch model code's values with
 * the pack's own (dequantised) weights (test/fixtures/wan21/golden.json, converter/wan/golden.py): token
 * ids (and python3-sentencepiece's on tokenizer-golden.json's prompts), embedding rows, text encoder output, one DiT output, the streamed VAE frames; then the CLI
 * writes a clip from the pack.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenEmbeddingTable } from '../../src/architectures/wan21/tokenEmbeddings';
import { umt5Tokenizer } from '../../src/architectures/wan21/umt5Tokenizer';
import { ropeTables } from '../../src/architectures/wan21/rope';
import { wan21 } from '../../src/architectures/wan21/wan21';
import { wanFrameGroups } from '../../src/architectures/wan21/wanVaeStream';
import type { Wan21Manifest } from '../../src/models/manifest';
import { float32Output, type ModelRunner } from '../../src/pipeline/modelRunner';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';
import { runGenerate, scratchDir } from '../fixtures/generateCli';
import { tinyWanPack } from '../fixtures/wan21/tinyPack';

/**
 * onnxruntime runs MatMulNBits and fused kernels in another order than torch's dequantised matmuls:
 * float32 rounding only. Measured here: text encoder at most 2.2e-6, DiT 1.9e-6, VAE frames 3.5e-6
 * (golden.json keeps 7 significant digits); the bounds leave about 5× room.
 */
const TEXT_TOLERANCE = 2e-5;
const DIT_TOLERANCE = 2e-5;
const VAE_TOLERANCE = 2e-5;

interface Golden {
  textEncoder: { prompt: string; ids: number[]; inputsEmbeds: number[]; shape: number[]; hiddenStates: number[] }[];
  dit: { inputs: { latents: { shape: number[] }; timestep: number[]; context: { shape: number[] }; rope: { frames: number; heightTokens: number; widthTokens: number } }; shape: number[]; velocity: number[] };
  vaeDecoder: { latents: { shape: number[] }; shape: number[]; framesPerCall: number[]; frameMeans: number[]; sampleStride: number; samples: number[]; sumAbs: number };
}

const golden = JSON.parse(readFileSync('test/fixtures/wan21/golden.json', 'utf8')) as Golden;

/** wave(a, b)[i] = sin(a·i + b) over a flat row-major index, in float64 rounded to float32 (golden.json's inputs). */
function wave(count: number, a: number, b: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.sin(a * i + b));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

let dir: string;
let manifest: Wan21Manifest;
let runner: ModelRunner;

beforeAll(async () => {
  dir = tinyWanPack().pack;
  manifest = (await readManifestFile(dir)) as Wan21Manifest;
  runner = createNodeRunner(dir, manifest, { threads: 1 });
}, 300_000);

afterAll(() => runner?.release());

describe('the tiny wan2.1 pack in onnxruntime-node', () => {
  it('parses as wan2.1 with the contract tiny dims', () => {
    expect(manifest.architecture).toBe('wan2.1');
    expect(manifest.dit).toEqual({ heads: 2, headDim: 16, ropeTheta: 10000 });
    expect(manifest.text).toMatchObject({ embedDim: 32, contextLength: 512 });
  });

  it("tokenizes tokenizer-golden.json's prompts (python3-sentencepiece on the same model) to its ids", () => {
    const tokenizerGolden = JSON.parse(readFileSync('test/fixtures/wan21/tokenizer-golden.json', 'utf8')) as { eosId: number; cases: { prompt: string; ids: number[] }[] };
    expect(manifest.tokenizer.eosId).toBe(tokenizerGolden.eosId);
    const tokenizer = umt5Tokenizer(readFileSync(join(dir, 'tokenizer.json')), manifest.tokenizer);
    expect(tokenizerGolden.cases.length).toBeGreaterThanOrEqual(20);
    for (const { prompt, ids } of tokenizerGolden.cases) expect(tokenizer(prompt), JSON.stringify(prompt)).toEqual(ids);
  });

  it('tokenizes the golden prompts to the golden ids and gathers the golden embedding rows', async () => {
    const tokenizer = umt5Tokenizer(readFileSync(join(dir, 'tokenizer.json')), manifest.tokenizer);
    const table = tokenEmbeddingTable(runner.data!, manifest.text.vocabSize, manifest.text.embedDim);
    for (const { prompt, ids, inputsEmbeds } of golden.textEncoder) {
      expect(tokenizer(prompt)).toEqual(ids);
      // The same int8 · scale products; golden.json keeps 7 significant digits.
      expect(maxAbsDiff(await table.rows(ids), inputsEmbeds)).toBeLessThan(1e-6);
    }
  });

  it(`encodes each prompt as the torch umT5 does (within ${TEXT_TOLERANCE}), zero-padded to the context length`, async () => {
    const architecture = wan21(manifest, runner);
    const embeddings = await architecture.encodePrompt(golden.textEncoder.map((c) => c.prompt));
    golden.textEncoder.forEach(({ hiddenStates, shape }, row) => {
      const context = embeddings.contexts[row]!;
      expect(context.dims).toEqual([1, 512, 32]);
      const real = shape[1]! * shape[2]!;
      expect(maxAbsDiff(context.data.subarray(0, real), hiddenStates)).toBeLessThan(TEXT_TOLERANCE);
      expect(context.data.subarray(real).every((v) => v === 0)).toBe(true);
    });
  });

  it(`predicts the torch DiT's velocity on fixed inputs (within ${DIT_TOLERANCE}), with RoPE tables made in TypeScript`, async () => {
    const { inputs, velocity } = golden.dit;
    const latentsShape = inputs.latents.shape;
    const [, channels = 0, frames = 0, height = 0, width = 0] = latentsShape;
    const contextRows = 5;
    const context = new Float32Array(512 * 32);
    context.set(wave(contextRows * 32, 0.11, 0.5));
    const { rope } = inputs;
    const tables = ropeTables(16, rope.frames, rope.heightTokens, rope.widthTokens, 10000);
    const outputs = await runner.run('dit', {
      latents: { data: wave(channels * frames * height * width, 0.37, 0.1), dims: latentsShape },
      timestep: { data: Float32Array.from(inputs.timestep), dims: [1] },
      context: { data: context, dims: [1, 512, 32] },
      rope_cos: { data: tables.cos, dims: [tables.tokens, 8] },
      rope_sin: { data: tables.sin, dims: [tables.tokens, 8] },
    });
    const out = float32Output(outputs, 'dit', 'velocity');
    expect(out.dims).toEqual(golden.dit.shape);
    expect(maxAbsDiff(out.data, velocity)).toBeLessThan(DIT_TOLERANCE);
  });

  it(`streams the VAE decoder to the torch frames (within ${VAE_TOLERANCE}): 1 frame, then 4 per latent frame`, async () => {
    const { latents, shape, framesPerCall, frameMeans, sampleStride, samples } = golden.vaeDecoder;
    const [, channels = 0, frames = 0, height = 0, width = 0] = latents.shape;
    const [, , count = 0, H = 0, W = 0] = shape;
    const groups = [];
    const options = { cacheTensors: manifest.vae.cacheTensors, framesPerLatent: 4, spatialCompression: 8 };
    for await (const group of wanFrameGroups(runner, wave(channels * frames * height * width, 0.23, 0.7), { channels, frames, height, width }, options)) groups.push(group);
    expect(groups.map((g) => g.count)).toEqual(framesPerCall);
    // The clip as torch lays it out, [3, F, H, W]: channel c of group g's frame f is frame (offset + f).
    const plane = H * W;
    const clip = new Float32Array(3 * count * plane);
    let offset = 0;
    for (const { planar, count: n } of groups) {
      for (let c = 0; c < 3; c++) clip.set(planar.subarray(c * n * plane, (c + 1) * n * plane), (c * count + offset) * plane);
      offset += n;
    }
    const sampled = Array.from({ length: samples.length }, (_, i) => clip[i * sampleStride]!);
    expect(maxAbsDiff(sampled, samples)).toBeLessThan(VAE_TOLERANCE);
    const means = Array.from({ length: count }, (_, f) => {
      let sum = 0;
      for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) sum += clip[(c * count + f) * plane + p]!;
      return sum / (3 * plane);
    });
    expect(maxAbsDiff(means, frameMeans)).toBeLessThan(VAE_TOLERANCE);
  });
});

describe('npm run generate on the tiny wan2.1 pack', () => {
  const out = scratchDir('tessera-wan21-cli-');

  it('writes a 9-frame 64×32 clip, the same for the same seed', async () => {
    const run = (name: string) => runGenerate('--model', dir, '--prompt', 'a dog running on a beach at sunset', '--aspect', '2:1', '--frames', '9', '--steps', '3', '--seed', '7', '--scale', '1', '--out', join(out, name));
    const first = await run('a.y4m');
    expect(first.stderr).toEqual([]);
    expect(first.status).toBe(0);
    const y4m = readFileSync(join(out, 'a.y4m'));
    expect(y4m.subarray(0, 30).toString('latin1')).toMatch(/^YUV4MPEG2 W64 H32 F16:1 /);
    expect(y4m.toString('latin1').split('FRAME\n')).toHaveLength(10);
    expect((await run('b.y4m')).status).toBe(0);
    expect(readFileSync(join(out, 'b.y4m')).equals(y4m)).toBe(true);
  }, 120_000);

  it('says the pack has no prompt expansion and no encoder for image-to-video', async () => {
    const expand = await runGenerate('--model', dir, '--prompt', 'a dog', '--expand');
    expect(expand.status).toBe(2);
    expect(expand.stderr.join('\n')).toContain('the wan2.1 model offers no prompt expansion');
    const image = await runGenerate('--model', dir, '--prompt', 'a dog', '--aspect', '1:1', '--frames', '9', '--image', 'public/icons/icon-192.png', '--out', join(out, 'i.y4m'));
    expect(image.status).toBe(2);
    expect(image.stderr.join('\n')).toContain('the wan2.1 pack has no encoder');
  }, 120_000);
});

describe('a corrupt wan2.1 pack in onnxruntime-node', () => {
  const scratch = scratchDir('tessera-wan21-corrupt-');

  it('refuses a changed byte in an external-data shard (checked streamed) before making the session', async () => {
    const copy = join(scratch, 'pack');
    cpSync(dir, copy, { recursive: true });
    const shard = manifest.files.find((f) => f.role === 'externalData' && f.of === 'dit')!;
    const bytes = readFileSync(join(copy, shard.path));
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 1;
    writeFileSync(join(copy, shard.path), bytes);

    const corrupt = createNodeRunner(copy, manifest, { threads: 1 });
    const probe = { data: new Float32Array(1), dims: [1] };
    await expect(corrupt.run('dit', { latents: probe })).rejects.toMatchObject({ code: 'checksum-mismatch', message: expect.stringContaining(shard.path) });
    await corrupt.release();
  }, 120_000);
});
