/**
 * What bounds P1: the same graphs timed alone, outside the app and the pipeline, on
 * onnxruntime-web's WASM build in a bare page and on onnxruntime-node, at one and two threads.
 * - a pure matrix-multiply chain (bench/fixtures/gemm-probe.onnx, 268 MFLOP a run): the raw
 *   GFLOP/s each side reaches, i.e. WASM SIMD128 kernels against native AVX kernels;
 * - the pack's DiT at the default clip's shape (B=2 × 80 tokens): one denoising step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { Browser } from 'playwright-core';
import { SESSION_CONFIG } from '../src/runtime/sessionConfig';
import { summarize } from './stats';

export const GEMM_SIZE = 256;
export const GEMM_FLOP = 8 * 2 * GEMM_SIZE ** 3;
const DIT_TOKENS = 80;
const RUNS = 20;
/**
 * Untimed runs first: V8 runs wasm on its baseline compiler until functions have run a while and
 * its background compiler (slower when the cores are busy) has caught up; the DiT took ~150 ms a
 * run cold and ~18 ms settled. Runs go on until ten runs are no faster than the ten before, at
 * least WARM_RUNS (tier-up comes in steps, with a plateau of some 30 runs) and at most WARM_MS (native code needs no warm-up).
 */
const WARM_RUNS = 80;
const WARM_MS = 20_000;

/** The page: onnxruntime-web's own ESM build (the one the app bundles), served from node_modules. */
export const ORT_PROBE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kernel probe</title></head>
<body><script>window.__name = (f) => f; // tsx keeps function names in page.evaluate code through this helper</script>
<script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
window.ort = ort;
document.body.dataset.ready = '1';
</script></body></html>
`;

export interface ProbeTimes {
  /** Median ms per run of the matmul chain, and the GFLOP/s it means. */
  readonly gemmMs: number;
  readonly gemmGflops: number;
  /** Median ms per DiT run at B=2 × 80 tokens. */
  readonly ditMs: number;
}

interface ProbeInputs {
  readonly gemm: number[];
  readonly dit: { tokens: number[]; positions: number[]; text: number[] };
}

function inputs(): ProbeInputs {
  const gemm = Array.from({ length: GEMM_SIZE * GEMM_SIZE }, (_, i) => Math.sin(i) / GEMM_SIZE);
  return {
    gemm,
    dit: {
      tokens: Array.from({ length: 2 * DIT_TOKENS * 64 }, (_, i) => Math.sin(i)),
      positions: Array.from({ length: DIT_TOKENS * 3 }, (_, i) => [Math.floor(i / 48), Math.floor(i / 12) % 4, Math.floor(i / 3) % 4][i % 3]!),
      text: Array.from({ length: 2 * 32 * 128 }, (_, i) => Math.cos(i)),
    },
  };
}

function toGflops(ms: number): number {
  return GEMM_FLOP / 1e9 / (ms / 1000);
}

/** onnxruntime-web WASM in a fresh cross-origin-isolated page with `threads` threads. */
export async function probeWasm(browser: Browser, baseUrl: string, ditUrl: string, threads: number): Promise<ProbeTimes> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}__bench/ort.html`);
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60_000 });
    const times = await page.evaluate(
      async ({ threads, ditUrl, data, runs, warm, warmMs, size, config }) => {
        type Ort = typeof import('onnxruntime-web');
        const ort = (window as unknown as { ort: Ort }).ort;
        ort.env.wasm.numThreads = threads;
        ort.env.logLevel = 'error';
        const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' as const, extra: config };
        const time = async (session: import('onnxruntime-web').InferenceSession, feeds: Record<string, import('onnxruntime-web').Tensor>) => {
          const warmStart = performance.now();
          const seen: number[] = [];
          const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
          while (performance.now() - warmStart < warmMs) {
            const start = performance.now();
            await session.run(feeds);
            seen.push(performance.now() - start);
            if (seen.length >= warm && median(seen.slice(-10)) >= 0.95 * median(seen.slice(-20, -10))) break;
          }
          const ms: number[] = [];
          for (let i = 0; i < runs; i++) {
            const start = performance.now();
            await session.run(feeds);
            ms.push(performance.now() - start);
          }
          return ms;
        };
        const gemm = await ort.InferenceSession.create('/__bench/gemm-probe.onnx', options);
        const w = new ort.Tensor('float32', Float32Array.from(data.gemm), [size, size]);
        const gemmMs = await time(gemm, { x: w, w });
        const dit = await ort.InferenceSession.create(ditUrl, options);
        const n = data.dit.positions.length / 3;
        const ditMs = await time(dit, {
          tokens: new ort.Tensor('float32', Float32Array.from(data.dit.tokens), [2, n, 64]),
          positions: new ort.Tensor('float32', Float32Array.from(data.dit.positions), [n, 3]),
          timestep: new ort.Tensor('float32', Float32Array.of(0.5, 0.5), [2]),
          text_embeds: new ort.Tensor('float32', Float32Array.from(data.dit.text), [2, 32, 128]),
        });
        return { gemmMs, ditMs, isolated: crossOriginIsolated };
      },
      { threads, ditUrl, data: inputs(), runs: RUNS, warm: WARM_RUNS, warmMs: WARM_MS, size: GEMM_SIZE, config: SESSION_CONFIG },
    );
    const gemmMs = summarize(times.gemmMs).median;
    return { gemmMs, gemmGflops: toGflops(gemmMs), ditMs: summarize(times.ditMs).median };
  } finally {
    await context.close();
  }
}

/** onnxruntime-node with `threads` intra-op threads. */
export async function probeNative(root: string, ditPath: string, threads: number): Promise<ProbeTimes> {
  const options: ortNode.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, extra: SESSION_CONFIG };
  const time = async (session: ortNode.InferenceSession, feeds: Record<string, ortNode.Tensor>) => {
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await session.run(feeds);
      ms.push(performance.now() - start);
    }
    return summarize(ms).median;
  };
  const data = inputs();
  const gemm = await ortNode.InferenceSession.create(readFileSync(join(root, 'bench', 'fixtures', 'gemm-probe.onnx')), options);
  const w = new ortNode.Tensor('float32', Float32Array.from(data.gemm), [GEMM_SIZE, GEMM_SIZE]);
  const gemmMs = await time(gemm, { x: w, w });
  const dit = await ortNode.InferenceSession.create(readFileSync(ditPath), options);
  const n = data.dit.positions.length / 3;
  const ditMs = await time(dit, {
    tokens: new ortNode.Tensor('float32', Float32Array.from(data.dit.tokens), [2, n, 64]),
    positions: new ortNode.Tensor('float32', Float32Array.from(data.dit.positions), [n, 3]),
    timestep: new ortNode.Tensor('float32', Float32Array.of(0.5, 0.5), [2]),
    text_embeds: new ortNode.Tensor('float32', Float32Array.from(data.dit.text), [2, 32, 128]),
  });
  await Promise.all([gemm.release(), dit.release()]);
  return { gemmMs, gemmGflops: toGflops(gemmMs), ditMs };
}
