/**
 * P1 tries: each candidate change to the graphs, the session options or onnxruntime-web's WASM
 * build, timed by graph (text encoder, DiT, VAE decoder) on Chromium's WASM and on
 * onnxruntime-node, side by side with the current setup. On a shared machine the load moves
 * from second to second, so every try is measured in the same rounds as the baseline: round
 * after round, each try runs each graph on WASM and then natively, and a round's ratio pairs the
 * two medians taken one after the other.
 *
 *   npx tsx bench/p1Tries.ts [--rounds 5] [--runs 8] [--threads 2] [--out bench/results/NAME]
 *
 * The tries that change graphs need them first, in scratch copies of the pack under /tmp/p1
 * (P1_SCRATCH), never the shipped pack: for text_encoder.onnx and dit.onnx,
 *   /usr/bin/python3 training/fuse_attention.py public/models/tessera-tiny/dit.onnx /tmp/p1/fused/dit.onnx
 *   /usr/bin/python3 training/matmul_nbits.py public/models/tessera-tiny/dit.onnx /tmp/p1/nbits0/dit.onnx 0   (nbits4: 4)
 * with the pack's other files copied beside them; the script says which folder lacks them.
 * `--only a,b` measures those tries and the baseline.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/browser';
import { SESSION_CONFIG } from '../src/runtime/sessionConfig';
import { cpuDescription } from './cpuFeatures';
import { loadAverage, machineInfo } from './machine';
import { startBenchServer } from './server';
import { round, summarize, type Summary } from './stats';

const ROOT = join(import.meta.dirname, '..');
const PACK = join(ROOT, 'public', 'models', 'tessera-tiny');
const SCRATCH = process.env.P1_SCRATCH ?? '/tmp/p1';
const GRAPHS = ['text_encoder', 'dit', 'vae_decoder'] as const;
type Graph = (typeof GRAPHS)[number];

/** The default clip's shapes (1:1 × 17 frames, CFG batched): B=2 × 80 tokens, latents 16 × 5 × 8 × 8. */
const DIT_TOKENS = 80;
const LATENT = [1, 16, 5, 8, 8] as const;
const SHAPES: Record<Graph, Record<string, number>> = {
  text_encoder: { batch: 2 },
  dit: { batch: 2, n: DIT_TOKENS },
  vae_decoder: { t: LATENT[2], h: LATENT[3], w: LATENT[4] },
};

interface Try {
  readonly name: string;
  readonly what: string;
  /** Folder of the graphs (the shipped pack unless the try changes them). */
  readonly dir: string;
  /** onnxruntime-web bundle the page imports (the app bundles ort.webgpu: the asyncify build). */
  readonly bundle: string;
  /** Session config entries on both sides (SessionOptions.extra). */
  readonly extra: Record<string, Record<string, string>>;
  readonly staticShapes?: boolean;
}

const BASE_EXTRA = SESSION_CONFIG as unknown as Record<string, Record<string, string>>;
const TRIES: readonly Try[] = [
  { name: 'baseline', what: 'shipped graphs, app session options, ort.webgpu bundle (asyncify WASM build)', dir: PACK, bundle: 'ort.webgpu.min.mjs', extra: BASE_EXTRA },
  { name: 'fused-attention', what: 'attention as com.microsoft MultiHeadAttention (training/fuse_attention.py)', dir: join(SCRATCH, 'fused'), bundle: 'ort.webgpu.min.mjs', extra: BASE_EXTRA },
  { name: 'static-shapes', what: 'freeDimensionOverrides with the default clip bucket (batch 2, n 80; t 5, h 8, w 8)', dir: PACK, bundle: 'ort.webgpu.min.mjs', extra: BASE_EXTRA, staticShapes: true },
  { name: 'fused+static', what: 'fused attention and the static shapes together', dir: join(SCRATCH, 'fused'), bundle: 'ort.webgpu.min.mjs', extra: BASE_EXTRA, staticShapes: true },
  { name: 'wasm-plain', what: 'ort.wasm bundle: ort-wasm-simd-threaded.wasm (no asyncify)', dir: PACK, bundle: 'ort.wasm.min.mjs', extra: BASE_EXTRA },
  { name: 'wasm-jsep', what: 'ort.all bundle: ort-wasm-simd-threaded.jsep.wasm', dir: PACK, bundle: 'ort.all.min.mjs', extra: BASE_EXTRA },
  { name: 'no-spinning', what: 'session.intra_op.allow_spinning = 0 (threads sleep between ops)', dir: PACK, bundle: 'ort.webgpu.min.mjs', extra: { session: { ...BASE_EXTRA.session, 'intra_op.allow_spinning': '0' } } },
  { name: 'nbits8-fp32', what: 'int8 MatMuls as 8-bit MatMulNBits, fp32 activations (training/matmul_nbits.py, accuracy_level 0)', dir: join(SCRATCH, 'nbits0'), bundle: 'ort.webgpu.min.mjs', extra: BASE_EXTRA },
  { name: 'nbits8-int8', what: 'int8 MatMuls as 8-bit MatMulNBits, int8 activations (accuracy_level 4)', dir: join(SCRATCH, 'nbits4'), bundle: 'ort.webgpu.min.mjs', extra: BASE_EXTRA },
  { name: 'int8-qdq', what: 'int8 kernels kept (no session.disable_quant_qdq): quantized MatMul paths', dir: PACK, bundle: 'ort.webgpu.min.mjs', extra: {} },
];

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

/** Deterministic inputs for each graph at the default clip's shape. */
function inputData(): Record<Graph, Record<string, { type: 'float32' | 'int64'; data: number[]; dims: number[] }>> {
  const n = DIT_TOKENS;
  return {
    text_encoder: { input_ids: { type: 'int64', data: Array.from({ length: 64 }, (_, i) => (i * 7) % 30), dims: [2, 32] } },
    dit: {
      tokens: { type: 'float32', data: Array.from({ length: 2 * n * 64 }, (_, i) => Math.sin(i)), dims: [2, n, 64] },
      positions: { type: 'float32', data: Array.from({ length: n * 3 }, (_, i) => [Math.floor(i / 48), Math.floor(i / 12) % 4, Math.floor(i / 3) % 4][i % 3]!), dims: [n, 3] },
      timestep: { type: 'float32', data: [0.5, 0.5], dims: [2] },
      text_embeds: { type: 'float32', data: Array.from({ length: 2 * 32 * 128 }, (_, i) => Math.cos(i)), dims: [2, 32, 128] },
    },
    vae_decoder: { latents: { type: 'float32', data: Array.from({ length: LATENT.reduce((a: number, b: number) => a * b, 1) }, (_, i) => Math.sin(i * 0.37)), dims: [...LATENT] } },
  };
}

function nodeFeeds(graph: Graph): Record<string, ortNode.Tensor> {
  const feeds: Record<string, ortNode.Tensor> = {};
  for (const [name, input] of Object.entries(inputData()[graph])) {
    feeds[name] = input.type === 'int64'
      ? new ortNode.Tensor('int64', BigInt64Array.from(input.data, (v) => BigInt(v)), input.dims)
      : new ortNode.Tensor('float32', Float32Array.from(input.data), input.dims);
  }
  return feeds;
}

const PAGE_HTML = (bundle: string) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
<body><script>window.__name = (f) => f;</script><script type="module">
import * as ort from '/ort/${bundle}';
window.ort = ort; document.body.dataset.ready = '1';
</script></body></html>`;

/** One try's sessions in a page of its own (each bundle keeps its own module state). */
async function openWasm(browser: Browser, url: string, t: Try, threads: number): Promise<Page> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${url}__p1/${t.bundle}.html`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60_000 });
  await page.evaluate(
    async ({ graphs, threads, base, extra, shapes, data }) => {
      type Ort = typeof import('onnxruntime-web');
      const w = window as unknown as { ort: Ort; sessions: Record<string, import('onnxruntime-web').InferenceSession>; feeds: Record<string, Record<string, import('onnxruntime-web').Tensor>> };
      w.ort.env.wasm.numThreads = threads;
      w.ort.env.logLevel = 'error';
      w.sessions = {};
      w.feeds = {};
      for (const graph of graphs) {
        w.sessions[graph] = await w.ort.InferenceSession.create(`${base}${graph}.onnx`, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: 'all',
          extra,
          ...(shapes ? { freeDimensionOverrides: shapes[graph] } : {}),
        });
        w.feeds[graph] = {};
        for (const [name, input] of Object.entries(data[graph]!)) {
          w.feeds[graph]![name] = input.type === 'int64'
            ? new w.ort.Tensor('int64', BigInt64Array.from(input.data, (v) => BigInt(v)), input.dims)
            : new w.ort.Tensor('float32', Float32Array.from(input.data), input.dims);
        }
      }
    },
    { graphs: [...GRAPHS], threads, base: `/p1/${t.name}/`, extra: t.extra, shapes: t.staticShapes ? SHAPES : null, data: inputData() },
  );
  return page;
}

async function timeWasm(page: Page, graph: Graph, runs: number): Promise<{ ms: number[]; output: number[] }> {
  return page.evaluate(
    async ({ graph, runs }) => {
      const w = window as unknown as { sessions: Record<string, import('onnxruntime-web').InferenceSession>; feeds: Record<string, Record<string, import('onnxruntime-web').Tensor>> };
      const ms: number[] = [];
      let output: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const result = await w.sessions[graph]!.run(w.feeds[graph]!);
        ms.push(performance.now() - start);
        output = Array.from(Object.values(result)[0]!.data as Float32Array);
      }
      return { ms, output };
    },
    { graph, runs },
  );
}

async function openNative(t: Try, threads: number): Promise<Record<Graph, ortNode.InferenceSession>> {
  const sessions: Partial<Record<Graph, ortNode.InferenceSession>> = {};
  for (const graph of GRAPHS) {
    sessions[graph] = await ortNode.InferenceSession.create(readFileSync(join(t.dir, `${graph}.onnx`)), {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      extra: t.extra,
      ...(t.staticShapes ? { freeDimensionOverrides: SHAPES[graph] } : {}),
    });
  }
  return sessions as Record<Graph, ortNode.InferenceSession>;
}

async function timeNative(session: ortNode.InferenceSession, graph: Graph, runs: number): Promise<{ ms: number[]; output: number[] }> {
  const feeds = nodeFeeds(graph);
  const ms: number[] = [];
  let output: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = await session.run(feeds);
    ms.push(performance.now() - start);
    output = Array.from(Object.values(result)[0]!.data as Float32Array);
  }
  return { ms, output };
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

interface Cell {
  wasmMs: number[];
  nativeMs: number[];
  ratio: number[];
  /** Max |WASM − native| of the graph's output, and max |this try's native − baseline native|. */
  wasmVsNative: number;
  vsBaseline: number;
}

async function main(): Promise<void> {
  const rounds = arg('rounds', 5);
  const runs = arg('runs', 8);
  const threads = arg('threads', 2);
  const outAt = process.argv.indexOf('--out');
  const out = outAt > 0 ? process.argv[outAt + 1]! : join(ROOT, 'bench', 'results', '2026-12-07-p1-tries');
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : null;
  const tries = TRIES.filter((t) => !only || t.name === 'baseline' || only.includes(t.name));
  for (const t of tries) {
    if (!existsSync(join(t.dir, 'dit.onnx'))) throw new Error(`${t.name}: no graphs in ${t.dir} (see the header of bench/p1Tries.ts)`);
  }
  const folders: Record<string, string> = { '/ort/': join(ROOT, 'node_modules', 'onnxruntime-web', 'dist') };
  for (const t of tries) folders[`/p1/${t.name}/`] = t.dir;
  const routes: Record<string, { body: string; type: string }> = {};
  for (const t of tries) routes[`/__p1/${t.bundle}.html`] = { body: PAGE_HTML(t.bundle), type: 'text/html; charset=utf-8' };
  const server = await startBenchServer({ dist: join(ROOT, 'dist'), models: PACK, routes, folders });
  const browser = await launchChromium([], { webgpu: false });
  const started = Date.now();
  const loadStart = loadAverage();
  const cells = new Map<string, Cell>();
  const outputs = new Map<string, number[]>();
  try {
    const pages = new Map<string, Page>();
    const natives = new Map<string, Record<Graph, ortNode.InferenceSession>>();
    for (const t of tries) {
      console.log(`open ${t.name}`);
      pages.set(t.name, await openWasm(browser, server.url, t, threads));
      natives.set(t.name, await openNative(t, threads));
      // Warm-up: V8 tiers the wasm up over the first tens of runs; native needs a few runs.
      for (const graph of GRAPHS) {
        await timeWasm(pages.get(t.name)!, graph, graph === 'text_encoder' ? 60 : 30);
        await timeNative(natives.get(t.name)![graph], graph, 5);
      }
    }
    for (let r = 0; r < rounds; r++) {
      for (const t of tries) {
        for (const graph of GRAPHS) {
          const wasm = await timeWasm(pages.get(t.name)!, graph, runs);
          const native = await timeNative(natives.get(t.name)![graph], graph, runs);
          const key = `${t.name}/${graph}`;
          const cell = cells.get(key) ?? { wasmMs: [], nativeMs: [], ratio: [], wasmVsNative: 0, vsBaseline: 0 };
          const w = summarize(wasm.ms).median;
          const n = summarize(native.ms).median;
          cell.wasmMs.push(w);
          cell.nativeMs.push(n);
          cell.ratio.push(w / n);
          cell.wasmVsNative = Math.max(cell.wasmVsNative, maxDiff(wasm.output, native.output));
          if (t.name === 'baseline') outputs.set(graph, native.output);
          cell.vsBaseline = Math.max(cell.vsBaseline, maxDiff(native.output, outputs.get(graph)!));
          cells.set(key, cell);
        }
      }
      console.log(`round ${r + 1}/${rounds} done, load ${loadAverage()}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const machine = machineInfo();
  const result = {
    date: new Date().toISOString(),
    cpu: cpuDescription(),
    machine,
    loadAverage: { start: loadStart, end: loadAverage() },
    seconds: Math.round((Date.now() - started) / 1000),
    shapes: SHAPES,
    threads,
    rounds,
    runsPerRound: runs,
    tries: tries.map((t) => ({
      name: t.name,
      what: t.what,
      graphs: Object.fromEntries(GRAPHS.map((graph) => {
        const cell = cells.get(`${t.name}/${graph}`)!;
        const pack = (s: Summary) => ({ median: round(s.median), min: round(s.min), max: round(s.max), n: s.n });
        return [graph, {
          wasmMs: pack(summarize(cell.wasmMs)),
          nativeMs: pack(summarize(cell.nativeMs)),
          ratio: pack(summarize(cell.ratio)),
          maxAbsWasmVsNative: round(cell.wasmVsNative),
          maxAbsVsBaselineNative: round(cell.vsBaseline),
        }];
      })),
    })),
  };
  writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 1)}\n`);
  writeFileSync(`${out}.md`, markdown(result));
  console.log(markdown(result));
}

function markdown(result: { date: string; cpu: string; loadAverage: { start: number; end: number }; seconds: number; threads: number; rounds: number; runsPerRound: number; tries: { name: string; what: string; graphs: Record<string, { wasmMs: { median: number; min: number; max: number }; nativeMs: { median: number; min: number; max: number }; ratio: { median: number; min: number; max: number }; maxAbsWasmVsNative: number; maxAbsVsBaselineNative: number }> }[] }): string {
  const lines = [
    `P1 tries, ${result.date} on ${result.cpu}; ${result.threads} threads each side; ${result.rounds} rounds × ${result.runsPerRound} runs per graph, each try measured in the same rounds as the baseline (WASM, then native, graph by graph); load average ${result.loadAverage.start} → ${result.loadAverage.end}; ${result.seconds} s.`,
    'Per cell: median of the round medians (min–max over rounds). Ratio = WASM ÷ native, paired within a round. Max |Δ|: the output against native (same try) and against the baseline graph natively.',
    '',
    '| try | graph | WASM ms | native ms | WASM ÷ native | max abs Δ WASM vs native / vs baseline |',
    '|---|---|---|---|---|---|',
  ];
  const range = (s: { median: number; min: number; max: number }) => `${s.median} (${s.min}–${s.max})`;
  for (const t of result.tries) {
    for (const [graph, cell] of Object.entries(t.graphs)) {
      lines.push(`| ${t.name} | ${graph} | ${range(cell.wasmMs)} | ${range(cell.nativeMs)} | **${range(cell.ratio)}** | ${cell.maxAbsWasmVsNative} / ${cell.maxAbsVsBaselineNative} |`);
    }
  }
  lines.push('', ...result.tries.map((t) => `- **${t.name}**: ${t.what}`), '');
  return lines.join('\n');
}

await main();
