/**
 * wan2.1's TypeScript side with stand-ins (test/fixtures/wan21Fakes.ts): the tokenizer's ids and
 * truncation, the embedding rows read by range and dequantised, the streaming VAE threading its cache,
 * and the Architecture: latent shape, prompt encoding with the zero padding and the default negative
 * prompt, one DiT run per row with timestep ×1000 and RoPE tables, decode groups; no encoder, no
 * expansion.
 */
import { describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { tokenEmbeddingTable } from '../../src/architectures/wan21/tokenEmbeddings';
import { umt5Tokenizer } from '../../src/architectures/wan21/umt5Tokenizer';
import { wan21, type Wan21Embeddings } from '../../src/architectures/wan21/wan21';
import { decodeWanStream } from '../../src/architectures/wan21/wanVaeStream';
import { parseManifest, type Wan21Manifest } from '../../src/models/manifest';
import { PipelineError } from '../../src/pipeline/errors';
import type { Tensor32 } from '../../src/pipeline/modelRunner';
import { textToVideo } from '../../src/pipeline/textToVideo';
import { fakeWanRunner, memoryPackData, rowFile, TINY_VOCAB, tinyTokenizerJson, withDevice } from '../fixtures/wan21Fakes';
import { wan21ManifestJson } from '../fixtures/wan21ManifestFixture';

const EMBED_DIM = 4;
const VOCAB = TINY_VOCAB.length;
const CACHE_TENSORS = 3;
/** Row r of the table holds the int8 values [r, −r, 2r, 0] (within int8 for 33 rows), scale (r + 1)/8. */
const ROWS = Array.from({ length: VOCAB }, (_, r) => [r, -r, 2 * r, 0]);
const SCALES = Array.from({ length: VOCAB }, (_, r) => (r + 1) / 8);

function tinyManifest(change: (json: Record<string, any>) => void = () => undefined): Wan21Manifest {
  const json = wan21ManifestJson();
  json.files[0].bytes = tinyTokenizerJson().length;
  json.files[1].bytes = VOCAB * (4 + EMBED_DIM);
  json.tokenizer = { type: 'unigram', maxLength: 6, padId: 0, eosId: 1 };
  json.text = { embedDim: EMBED_DIM, contextLength: 8, vocabSize: VOCAB, negativePrompt: 'red' };
  json.dit = { heads: 2, headDim: 16, ropeTheta: 10000 };
  json.vae = { cacheTensors: CACHE_TENSORS };
  json.video.sizes = { '1:1': { width: 64, height: 64 }, '2:1': { width: 64, height: 32 } };
  json.video.frameCounts = [1, 5, 9];
  change(json);
  return parseManifest(json) as Wan21Manifest;
}

function packFiles() {
  return memoryPackData({ tokenizer: tinyTokenizerJson(), tokenEmbeddings: rowFile(SCALES, ROWS) });
}

describe('umT5 tokenizer', () => {
  const tokenize = umt5Tokenizer(tinyTokenizerJson(), { type: 'unigram', maxLength: 4, padId: 0, eosId: 1 });

  it('gives the tokenizer ids with EOS appended', () => {
    expect(tokenize('a dog')).toEqual([3, 4, 1]);
    expect(tokenize('')).toEqual([1]);
  });

  it('truncates to maxLength, EOS kept last', () => {
    expect(tokenize('a dog red a dog')).toEqual([3, 4, 5, 1]);
  });

  it('collapses and trims whitespace as the official prompt cleaning does', () => {
    expect(tokenize('  a \t\n dog ')).toEqual(tokenize('a dog'));
  });

  it('refuses a file that is not a tokenizer, saying so', () => {
    expect(() => umt5Tokenizer(new TextEncoder().encode('{"model": 3'), { type: 'unigram', maxLength: 4, padId: 0, eosId: 1 })).toThrow(/tokenizer\.json could not be read/);
  });
});

describe('token embedding rows', () => {
  it('dequantises the rows asked for (int8 · row scale), in order, repeats included', async () => {
    const { data } = packFiles();
    const rows = await tokenEmbeddingTable(data, VOCAB, EMBED_DIM).rows([5, 1, 5]);
    const row = (r: number) => ROWS[r]!.map((v) => v * SCALES[r]!);
    expect([...rows]).toEqual([...row(5), ...row(1), ...row(5)]);
  });

  it('reads the scales once and only the rows a prompt needs, each once', async () => {
    const { data, reads } = packFiles();
    const table = tokenEmbeddingTable(data, VOCAB, EMBED_DIM);
    await table.rows([7, 3, 7]);
    await table.rows([2]);
    const rowsStart = 4 * VOCAB;
    expect(reads).toEqual([
      ['tokenEmbeddings', 0, 4 * VOCAB],
      ['tokenEmbeddings', rowsStart + 7 * EMBED_DIM, EMBED_DIM],
      ['tokenEmbeddings', rowsStart + 3 * EMBED_DIM, EMBED_DIM],
      ['tokenEmbeddings', rowsStart + 2 * EMBED_DIM, EMBED_DIM],
    ]);
  });

  it('refuses an id outside the table', async () => {
    const { data } = packFiles();
    await expect(tokenEmbeddingTable(data, VOCAB, EMBED_DIM).rows([VOCAB])).rejects.toThrow(/outside the embedding table's 33 rows/);
  });
});

describe('streaming VAE decode', () => {
  const shape = { channels: 2, frames: 3, height: 2, width: 2 };
  /** Latent value = 100·c + 10·t + cell, so each slice says where it came from. */
  const latents = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => 100 * Math.floor(i / 12) + 10 * (Math.floor(i / 4) % 3) + (i % 4));

  it('runs the first graph, then the step graph per latent frame with the caches the previous run gave', async () => {
    const { runner, runs } = fakeWanRunner({ cacheTensors: CACHE_TENSORS, channels: 2, spatialCompression: 2 });
    const groups = [];
    for await (const group of decodeWanStream(runner, latents, shape, { cacheTensors: CACHE_TENSORS, framesPerLatent: 4, spatialCompression: 2 })) groups.push(group);
    expect(runs.map((r) => r.role)).toEqual(['vaeDecoderFirst', 'vaeDecoderStep', 'vaeDecoderStep']);
    expect(groups.map((g) => g.length)).toEqual([1, 4, 4]);
    expect(groups[0]![0]).toHaveLength(4 * 4 * 4);
    runs.forEach((run, t) => {
      const latent = run.feeds.latent as Tensor32;
      expect(latent.dims).toEqual([1, 2, 1, 2, 2]);
      expect([...latent.data]).toEqual([0, 1, 2, 3, 100, 101, 102, 103].map((v) => v + 10 * t));
    });
    expect(Object.keys(runs[0]!.feeds)).toEqual(['latent']);
    // cache_out_k of the first run is k; each step adds 1 to what it was given.
    for (let k = 0; k < CACHE_TENSORS; k++) {
      expect((runs[1]!.feeds[`cache_in_${k}`] as Tensor32).data[0]).toBe(k);
      expect((runs[2]!.feeds[`cache_in_${k}`] as Tensor32).data[0]).toBe(k + 1);
    }
  });

  it('keeps the step runs\' caches on the device where the runner can, each set disposed once the next run took it', async () => {
    const fake = fakeWanRunner({ cacheTensors: CACHE_TENSORS, channels: 2, spatialCompression: 2 });
    const { runner, log } = withDevice(fake.runner);
    const options = { cacheTensors: CACHE_TENSORS, framesPerLatent: 4, spatialCompression: 2 };
    const disposedAfterGroup: number[] = [];
    for await (const _ of decodeWanStream(runner, latents, shape, options)) disposedAfterGroup.push(log.disposed.length);
    const names = Array.from({ length: CACHE_TENSORS }, (_, k) => `cache_out_${k}`);
    // The first graph's caches cross as plain tensors (another graph takes them); the steps keep theirs.
    expect(fake.runs.map((r) => r.role)).toEqual(['vaeDecoderFirst', 'vaeDecoderStep', 'vaeDecoderStep']);
    expect(log.calls).toEqual([
      { role: 'vaeDecoderStep', keep: names },
      { role: 'vaeDecoderStep', keep: names },
    ]);
    // Threaded as before: step 2 took step 1's caches (k + 1) from the device.
    for (let k = 0; k < CACHE_TENSORS; k++) expect((fake.runs[2]!.feeds[`cache_in_${k}`] as Tensor32).data[0]).toBe(k + 1);
    expect(disposedAfterGroup).toEqual([0, 0, CACHE_TENSORS]);
    expect(log.live.size).toBe(0);
    expect(log.disposed).toHaveLength(2 * CACHE_TENSORS);
  });

  it('disposes the device caches when the decode is abandoned or a run fails', async () => {
    const options = { cacheTensors: CACHE_TENSORS, framesPerLatent: 4, spatialCompression: 2 };
    const abandoned = withDevice(fakeWanRunner({ cacheTensors: CACHE_TENSORS, channels: 2, spatialCompression: 2 }).runner);
    let groups = 0;
    for await (const _ of decodeWanStream(abandoned.runner, latents, shape, options)) if (++groups === 2) break;
    expect(abandoned.log.disposed).toHaveLength(CACHE_TENSORS);
    expect(abandoned.log.live.size).toBe(0);

    const failing = withDevice(fakeWanRunner({ cacheTensors: CACHE_TENSORS, channels: 2, spatialCompression: 2 }).runner, { failAt: 2 });
    const run = async () => {
      for await (const _ of decodeWanStream(failing.runner, latents, shape, options));
    };
    await expect(run()).rejects.toThrow('run 2 failed');
    expect(failing.log.live.size).toBe(0);
  });

  it('maps [-1, 1] to bytes, clamped', async () => {
    const values = [-1, 0, 1.5];
    const { runner } = fakeWanRunner({ cacheTensors: 1, channels: 2, spatialCompression: 2, frameValue: (run) => values[run]! });
    const firstPixel = [];
    for await (const group of decodeWanStream(runner, latents, shape, { cacheTensors: 1, framesPerLatent: 4, spatialCompression: 2 })) firstPixel.push([...group[0]!.subarray(0, 4)]);
    expect(firstPixel).toEqual([
      [0, 0, 0, 255],
      [128, 128, 128, 255],
      [255, 255, 255, 255],
    ]);
  });

  it('calls a step graph that gives the wrong frame count a broken pack', async () => {
    const { runner } = fakeWanRunner({ cacheTensors: 1, channels: 2, spatialCompression: 2, framesPerStep: 2 });
    const run = async () => {
      for await (const _ of decodeWanStream(runner, latents, shape, { cacheTensors: 1, framesPerLatent: 4, spatialCompression: 2 }));
    };
    await expect(run()).rejects.toThrow(/vaeDecoderStep graph returned \[1, 3, 2, 4, 4\], expected \[1, 3, 4, 4, 4\]/);
  });
});

describe('wan2.1 architecture', () => {
  const manifest = tinyManifest();

  function bound() {
    const files = packFiles();
    const fake = fakeWanRunner({ data: files.data, cacheTensors: CACHE_TENSORS, channels: 16, spatialCompression: 8 });
    return { architecture: wan21(manifest, fake.runner), ...fake, reads: files.reads };
  }

  it('is what the registry gives for a wan2.1 pack: no encoder, no expansion, no prompt rule; 4 frames per latent', () => {
    const architecture = createArchitecture(manifest, bound().runner);
    expect(architecture.name).toBe('wan2.1');
    expect(architecture.framesPerLatent).toBe(4);
    expect(architecture.encode).toBeUndefined();
    expect(architecture.expandPrompt).toBeUndefined();
    expect(architecture.checkPrompt).toBeUndefined();
    expect(architecture.outsideAlphabet).toBeUndefined();
  });

  it('lays out latents as C=16, T=(F−1)/4+1, H/8, W/8 and refuses sizes that are not whole patches', () => {
    const { architecture } = bound();
    expect(architecture.latentShape({ width: 64, height: 32 }, 9)).toEqual({ channels: 16, frames: 3, height: 4, width: 8 });
    expect(architecture.latentShape({ width: 320, height: 192 }, 33)).toEqual({ channels: 16, frames: 9, height: 24, width: 40 });
    const error = (() => {
      try {
        architecture.latentShape({ width: 72, height: 64 }, 9);
      } catch (e) {
        return e as PipelineError;
      }
    })();
    expect(error?.code).toBe('invalid-aspect');
    expect(() => architecture.latentShape({ width: 64, height: 64 }, 8)).toThrow(/8 frames/);
  });

  it("encodes each text on its own real tokens, pads the context with zero rows, and reads '' as the pack's negative prompt", async () => {
    const { architecture, runs } = bound();
    const embeddings = await architecture.encodePrompt(['a dog', '']);
    expect(embeddings.rows).toBe(2);
    expect(embeddings.unknownWords).toEqual([[], []]);
    const encoder = runs.filter((r) => r.role === 'textEncoder').map((r) => r.feeds.inputs_embeds as Tensor32);
    // 'a dog' → ▁a ▁dog </s>; '' → the negative prompt 'red' → ▁red </s>.
    expect(encoder.map((t) => t.dims)).toEqual([
      [1, 3, EMBED_DIM],
      [1, 2, EMBED_DIM],
    ]);
    const row = (r: number) => ROWS[r]!.map((v) => v * SCALES[r]!);
    expect([...encoder[0]!.data]).toEqual([...row(3), ...row(4), ...row(1)]);
    const [context] = embeddings.contexts;
    expect(context!.dims).toEqual([1, 8, EMBED_DIM]);
    expect([...context!.data.subarray(0, 3 * EMBED_DIM)]).toEqual([...row(3), ...row(4), ...row(1)].map((v) => v + 1));
    expect(context!.data.subarray(3 * EMBED_DIM).every((v) => v === 0)).toBe(true);
    expect([...embeddings.contexts[1]!.data.subarray(0, EMBED_DIM)]).toEqual(row(5).map((v) => v + 1));
  });

  it('reads the tokenizer file and the row scales once per loaded pack, across prompts and generations', async () => {
    const { architecture, runner, reads } = bound();
    await architecture.encodePrompt(['a dog', '']);
    await architecture.encodePrompt(['a', '']);
    // The engine binds a new architecture to the same runner for each generation.
    await wan21(manifest, runner).encodePrompt(['a dog', '']);
    expect(reads.filter(([role]) => role === 'tokenizer')).toHaveLength(1);
    expect(reads.filter(([, offset, length]) => offset === 0 && length === 4 * VOCAB)).toHaveLength(1);
  });

  it('runs the DiT once per row at timestep t·1000 on its context, with RoPE tables of the token grid', async () => {
    const { architecture, runs } = bound();
    const embeddings: Wan21Embeddings = await architecture.encodePrompt(['a dog', '']);
    const shape = architecture.latentShape({ width: 64, height: 32 }, 9);
    const sample = new Float32Array(16 * 3 * 4 * 8);
    const [cond, neg] = await architecture.predict(sample, shape, 0.25, embeddings);
    const dit = runs.filter((r) => r.role === 'dit');
    expect(dit).toHaveLength(2);
    expect(dit.map((r) => [...(r.feeds.timestep as Tensor32).data])).toEqual([[250], [250]]);
    expect(dit[0]!.feeds.context).toBe(embeddings.contexts[0]);
    expect(dit[1]!.feeds.context).toBe(embeddings.contexts[1]);
    expect((dit[0]!.feeds.latents as Tensor32).dims).toEqual([1, 16, 3, 4, 8]);
    // 3 latent frames × (4/2) × (8/2) tokens, headDim/2 = 8 frequencies; the first token is at the origin.
    const cos = dit[0]!.feeds.rope_cos as Tensor32;
    expect(cos.dims).toEqual([24, 8]);
    expect((dit[0]!.feeds.rope_sin as Tensor32).dims).toEqual([24, 8]);
    expect([...cos.data.subarray(0, 8)]).toEqual(new Array(8).fill(1));
    expect(cond!.every((v) => Math.abs(v - (0.25 + embeddings.contexts[0]!.data[0]!)) < 1e-6)).toBe(true);
    expect(neg!.every((v) => Math.abs(v - (0.25 + embeddings.contexts[1]!.data[0]!)) < 1e-6)).toBe(true);
    // The tables are made once per shape.
    await architecture.predict(sample, shape, 0.5, embeddings);
    expect(runs.filter((r) => r.role === 'dit')[2]!.feeds.rope_cos).toBe(cos);
  });

  it('generates a clip through the pipeline: 9 frames of 64×32 in groups of 1, 4, 4', async () => {
    const { architecture, runs } = bound();
    const video = await textToVideo(architecture, manifest, { prompt: 'a dog', seed: 1, aspect: '2:1', frames: 9, steps: 2 });
    expect(video.frames).toHaveLength(9);
    expect(video.frames[0]).toHaveLength(64 * 32 * 4);
    expect(runs.map((r) => r.role)).toEqual(['textEncoder', 'textEncoder', 'dit', 'dit', 'dit', 'dit', 'vaeDecoderFirst', 'vaeDecoderStep', 'vaeDecoderStep']);
  });

  it('says a runner without the data port cannot encode a wan2.1 prompt', async () => {
    const { runner } = fakeWanRunner({ cacheTensors: CACHE_TENSORS, channels: 16, spatialCompression: 8 });
    await expect(wan21(manifest, runner).encodePrompt(['a dog'])).rejects.toThrow(/needs its data files/);
  });
});
