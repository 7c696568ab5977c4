/**
 * Tessera's streaming Wan2.1 VAE decoder (converter/wan/vae_decoder.py) on the tiny config.
 * converter/wan/selftest_vae.py checks strict key loading, streaming against an independent whole-clip
 * decode and the Conv2d form against the Conv3d form in torch, then exports the graphs as the converter
 * ships them (Conv2d form); here onnxruntime-node streams the first/step graphs (caches fed back) and must
 * reproduce the torch frames, at the traced latent size and at another one (h and w are dynamic).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';

const PYTHON = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
const TOLERANCE = 1e-4;

interface Case {
  name: string;
  latents: string[];
  latentShape: number[];
  frames: string;
  framesShape: number[];
}
interface Selftest {
  cacheCount: number;
  figures: Record<string, number>;
  cases: Case[];
  graphs: { first: string; step: string };
}

let dir = '';
let selftest: Selftest;

function floats(path: string): Float32Array {
  const bytes = readFileSync(join(dir, path));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Streams a case's latent frames through the graphs and returns the frames, [3, n, H, W] concatenated on n. */
async function streamDecode(graphs: { first: string; step: string }, c: Case): Promise<Float32Array> {
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1 };
  const first = await ort.InferenceSession.create(join(dir, graphs.first), options);
  const step = await ort.InferenceSession.create(join(dir, graphs.step), options);
  const [, channels, count, height, width] = c.framesShape as [number, number, number, number, number];
  const plane = height * width;
  const out = new Float32Array(channels * count * plane);
  let caches: ort.Tensor[] = [];
  let frameOffset = 0;
  for (const [t, file] of c.latents.entries()) {
    const feeds: Record<string, ort.Tensor> = { latent: new ort.Tensor('float32', floats(file), c.latentShape) };
    caches.forEach((cache, i) => (feeds[`cache_in_${i}`] = cache));
    const result = await (t === 0 ? first : step).run(feeds);
    caches = Array.from({ length: selftest.cacheCount }, (_, i) => result[`cache_out_${i}`]!);
    const frames = result.frames!;
    const n = frames.dims[2]!;
    expect(frames.dims).toEqual([1, channels, t === 0 ? 1 : 4, height, width]);
    const data = frames.data as Float32Array;
    for (let ch = 0; ch < channels; ch++) {
      for (let f = 0; f < n; f++) {
        out.set(data.subarray((ch * n + f) * plane, (ch * n + f + 1) * plane), (ch * count + frameOffset + f) * plane);
      }
    }
    frameOffset += n;
  }
  expect(frameOffset).toBe(count);
  await first.release();
  await step.release();
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-wan-vae-'));
  const run = spawnSync(PYTHON, ['converter/wan/selftest_vae.py', dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`selftest_vae.py failed (${run.status}):\n${run.stderr.slice(-3000)}`);
  selftest = JSON.parse(readFileSync(join(dir, 'selftest.json'), 'utf8')) as Selftest;
}, 300_000); // about 12 s on a quiet 2-core machine; other jobs on the cores can slow it several times

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Wan VAE decoder (torch self-test)', () => {
  it('keeps the 32 caches of the Wan2.1 decoder', () => {
    expect(selftest.cacheCount).toBe(32);
  });

  it('streams exactly as a whole-clip decode, in both conv forms', () => {
    expect(selftest.figures.streaming_vs_whole_clip).toBeLessThan(1e-5);
    expect(selftest.figures.conv2d_vs_conv3d).toBeLessThan(1e-5);
  });
});

describe('Wan VAE graphs on onnxruntime-node', () => {
  it.each(['square', 'narrow'])('stream the %s case as torch does', async (name) => {
    const c = selftest.cases.find((x) => x.name === name)!;
    const frames = await streamDecode(selftest.graphs, c);
    expect(maxAbsDiff(frames, floats(c.frames))).toBeLessThan(TOLERANCE);
  });
});
