/**
 * The decode row of issue 23: the super-resolving decoder (tessera-tiny-2, frames 4× the model
 * size) against the built-in decoder (tessera-tiny), measured side by side on the same machine.
 * - the decoder graph alone at the default clip's latents and at the largest clip's, on
 *   onnxruntime-web WASM (2 threads, a bare cross-origin-isolated page) and on onnxruntime-node;
 * - the default clip end to end in the production app on WASM with each pack: first preview,
 *   decode stage, total (the limits: first preview < 0.5 s, total ≤ 10 s).
 *
 *     npx tsx bench/decoderBench.ts [--dist DIR] [--runs N]
 *
 * Writes bench/results/decoder-<date>.{json,md}. The packs are served from public/models.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/e2e/browser';
import { closeBenchApp, generateOnce, openBenchApp, setForm, type BenchPage, type RunTimings } from './app';
import { DEFAULT_CLIP, PROMPT, SEED } from './config';
import { DECODER_PACKS, GRAPH_RUNS, GRAPH_WARMUP, decoderNative, decoderRows, decoderWasm, type GraphTimes } from './decoderProbe';
import { ORT_PROBE_HTML } from './kernelProbe';
import { startBenchServer } from './server';
import { round, summarize, type Summary } from './stats';

const ROOT = resolve(import.meta.dirname, '..');
const MODELS = join(ROOT, 'public', 'models');
const PACKS = DECODER_PACKS;

interface AppTimes {
  readonly badge: string;
  readonly firstPreviewMs: Summary;
  readonly decodeMs: Summary;
  readonly totalMs: Summary;
  readonly stagesMs: Record<string, number>;
}

/** The default clip in the app on WASM with each pack, the packs in turn so drift hits both alike. */
async function appDefaultClip(browser: Browser, baseUrl: string, runs: number): Promise<Record<string, AppTimes>> {
  const apps: BenchPage[] = [];
  for (const pack of PACKS) apps.push(await openBenchApp(browser, baseUrl, 'wasm', pack));
  try {
    const timings = PACKS.map(() => [] as RunTimings[]);
    for (const app of apps) {
      await setForm(app.page, { prompt: PROMPT, aspect: DEFAULT_CLIP.aspect, frames: DEFAULT_CLIP.frames, steps: DEFAULT_CLIP.steps, seed: SEED });
      await generateOnce(app.page); // untimed: the first run compiles and warms the kernels
    }
    for (let round = 0; round < runs; round++) {
      for (const [i, app] of apps.entries()) timings[i]!.push(await generateOnce(app.page));
      log(`app: round ${round + 1} of ${runs}`);
    }
    const result: Record<string, AppTimes> = {};
    PACKS.forEach((pack, i) => {
      const t = timings[i]!;
      const med = (pick: (x: RunTimings) => number) => round(summarize(t.map(pick)).median);
      result[pack] = {
        badge: apps[i]!.badge,
        firstPreviewMs: summarize(t.map((x) => x.firstPreviewMs ?? Number.NaN)),
        decodeMs: summarize(t.map((x) => x.decodeMs)),
        totalMs: summarize(t.map((x) => x.totalMs)),
        stagesMs: { encode: med((x) => x.encodeMs), denoise: med((x) => x.denoiseMs), decode: med((x) => x.decodeMs), mux: med((x) => x.muxMs) },
      };
    });
    return result;
  } finally {
    for (const app of apps) await closeBenchApp(app);
  }
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

function build(dist: string): void {
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`vite build failed with status ${result.status}`);
}

function markdown(report: { when: string; machine: string; load: string; wasm: GraphTimes; native: GraphTimes; app: Record<string, AppTimes> }): string {
  const app = DECODER_PACKS.map((pack) => {
    const a = report.app[pack]!;
    return `| P4 | default clip in the app, ${pack} (${a.badge}): first preview / decode / total | ${round(a.firstPreviewMs.median / 1000)} s / ${round(a.decodeMs.median)} ms / **${round(a.totalMs.median / 1000)} s** · stages ${Object.values(a.stagesMs).join(' / ')} ms (encode / denoise / decode / mux), n=${a.totalMs.n} |`;
  });
  return [
    `Measured ${report.when} on ${report.machine}. ${report.load}`,
    `Decoders: ${DECODER_PACKS[0]} (frames at the model size, 32×32 for the default clip) and ${DECODER_PACKS[1]} (4×: 128×128). Decoder timings: median of ${GRAPH_RUNS} runs after ${GRAPH_WARMUP} untimed.`,
    '',
    '| | measure | value |',
    '|---|---|---|',
    ...decoderRows(report),
    ...app,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dist: { type: 'string' }, runs: { type: 'string' } } });
  const runs = Number(values.runs ?? 5);
  const dist = values.dist ?? join(ROOT, 'node_modules', '.cache', 'tessera-bench-decoder', 'dist');
  if (!values.dist) build(dist);
  const loadStart = loadavg()[0]!;
  const server = await startBenchServer({
    dist,
    models: MODELS,
    routes: { '/__bench/ort.html': { body: ORT_PROBE_HTML, type: 'text/html; charset=utf-8' } },
    folders: { '/ort/': join(ROOT, 'node_modules', 'onnxruntime-web', 'dist') },
  });
  const browser = await launchChromium();
  try {
    log('decoder graphs on onnxruntime-node');
    const native = await decoderNative(MODELS);
    log('decoder graphs on onnxruntime-web WASM');
    const wasm = await decoderWasm(browser, server.url);
    log('the default clip in the app, each pack');
    const app = await appDefaultClip(browser, server.url, runs);
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`;
    const load = `Load average ${loadStart.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (other work shared the cores: absolute times are inflated, the side-by-side ratios less so).`;
    const report = { when, machine, load, wasm, native, app };
    const stem = join(ROOT, 'bench', 'results', `decoder-${when.slice(0, 10)}`);
    writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 1)}\n`);
    writeFileSync(`${stem}.md`, markdown(report));
    process.stdout.write(markdown(report));
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
