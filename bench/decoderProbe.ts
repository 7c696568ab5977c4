/**
 * The decode row: each pack's decoder graph alone, tessera-tiny's (frames at the model size) against
 * the super-resolving one of tessera-tiny-2 (4×, the default pack), at the default clip's latents and
 * the largest clip's, on onnxruntime-web WASM (a bare cross-origin-isolated page, 2 threads) and on
 * onnxruntime-node (2 threads). `npm run bench` reports it; bench/decoderBench.ts adds the app.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { Browser } from 'playwright-core';
import { SESSION_CONFIG } from '../src/runtime/sessionConfig';
import { round, summarize, type Summary } from './stats';

export const DECODER_PACKS = ['tessera-tiny', 'tessera-tiny-2'] as const;
const PACKS = DECODER_PACKS;
const THREADS = 2;
/** Latents [1, 16, T, h, w]: the default clip (1:1 × 17 frames) and the largest (16:9 × 33 frames). */
export const LATENTS = { 'default clip (1:1 × 17 frames)': [1, 16, 5, 8, 8], 'largest clip (16:9 × 33 frames)': [1, 16, 9, 8, 14] } as const;
export const GRAPH_RUNS = 10;
export const GRAPH_WARMUP = 3;

/** ms per run, by pack, then by clip. */
export type GraphTimes = Record<string, Record<string, Summary>>;

/** Both sides' graph timings. */
export interface DecoderProbe {
  readonly wasm: GraphTimes;
  readonly native: GraphTimes;
}

function latentData(dims: readonly number[]): number[] {
  return Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37));
}

/** Each pack's decoder alone on onnxruntime-web WASM in a bare page: ms per run, by clip. */
export async function decoderWasm(browser: Browser, baseUrl: string): Promise<GraphTimes> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}__bench/ort.html`);
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60_000 });
    const result: GraphTimes = {};
    for (const pack of PACKS) {
      result[pack] = {};
      for (const [clip, dims] of Object.entries(LATENTS)) {
        const ms = await page.evaluate(
          async ({ url, dims, data, threads, runs, warmup, config }) => {
            type Ort = typeof import('onnxruntime-web');
            const ort = (window as unknown as { ort: Ort }).ort;
            ort.env.wasm.numThreads = threads;
            ort.env.logLevel = 'error';
            const session = await ort.InferenceSession.create(url, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', extra: config });
            const feeds = { latents: new ort.Tensor('float32', Float32Array.from(data), dims) };
            for (let i = 0; i < warmup; i++) await session.run(feeds);
            const times: number[] = [];
            for (let i = 0; i < runs; i++) {
              const start = performance.now();
              await session.run(feeds);
              times.push(performance.now() - start);
            }
            await session.release();
            return times;
          },
          { url: `/models/${pack}/vae_decoder.onnx`, dims: [...dims], data: latentData(dims), threads: THREADS, runs: GRAPH_RUNS, warmup: GRAPH_WARMUP, config: SESSION_CONFIG },
        );
        result[pack]![clip] = summarize(ms);
      }
    }
    return result;
  } finally {
    await context.close();
  }
}

/** Each pack's decoder alone on onnxruntime-node with 2 threads. */
export async function decoderNative(models: string): Promise<GraphTimes> {
  const result: GraphTimes = {};
  for (const pack of PACKS) {
    result[pack] = {};
    const session = await ortNode.InferenceSession.create(readFileSync(join(models, pack, 'vae_decoder.onnx')), {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: THREADS,
      interOpNumThreads: 1,
      extra: SESSION_CONFIG,
    });
    for (const [clip, dims] of Object.entries(LATENTS)) {
      const feeds = { latents: new ortNode.Tensor('float32', Float32Array.from(latentData(dims)), [...dims]) };
      for (let i = 0; i < GRAPH_WARMUP; i++) await session.run(feeds);
      const ms: number[] = [];
      for (let i = 0; i < GRAPH_RUNS; i++) {
        const start = performance.now();
        await session.run(feeds);
        ms.push(performance.now() - start);
      }
      result[pack]![clip] = summarize(ms);
    }
    await session.release();
  }
  return result;
}

function ms(s: Summary): string {
  return `${round(s.median)} ms (${round(s.min)}–${round(s.max)}, n=${s.n})`;
}

/** The report's decode rows: per clip, WASM then native, old / new and their ratio. */
export function decoderRows(probe: DecoderProbe): string[] {
  const [old, sr] = PACKS;
  return Object.keys(LATENTS).flatMap((clip) => {
    const ratio = (t: GraphTimes) => round(t[sr]![clip]!.median / t[old]![clip]!.median);
    return [
      `| decode | ${clip}, decoder alone: WASM 2 threads, ${old} / ${sr} | ${ms(probe.wasm[old]![clip]!)} / **${ms(probe.wasm[sr]![clip]!)}** (${ratio(probe.wasm)}×) |`,
      `| decode | ${clip}, decoder alone: onnxruntime-node 2 threads, ${old} / ${sr} | ${ms(probe.native[old]![clip]!)} / ${ms(probe.native[sr]![clip]!)} (${ratio(probe.native)}×) |`,
    ];
  });
}

/** Both decoders on both sides; null when the super-resolving pack is not in `models`. */
export async function probeDecoders(browser: Browser, baseUrl: string, models: string): Promise<DecoderProbe | null> {
  if (!PACKS.every((pack) => existsSync(join(models, pack, 'vae_decoder.onnx')))) return null;
  return { native: await decoderNative(models), wasm: await decoderWasm(browser, baseUrl) };
}
