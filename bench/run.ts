/**
 * `npm run bench`: Tessera measured against its limit in one run. Builds (or reuses) the production
 * build, serves it with cross-origin isolation, drives Debian Chromium through playwright-core, and
 * times the same pipeline on onnxruntime-node in this process. Writes bench/results/<date>.json,
 * bench/results/latest.json and bench/results/latest.md (the table the README shows).
 *
 *   npm run bench                       the full benchmark (about 6-8 minutes on 2 cores)
 *   npm run bench -- --quick            one run of everything: checks the bench works
 *   npm run bench -- --no-build         reuse the bench's last build as it is
 *   npm run bench -- --dist DIR         measure another build (e.g. an older commit's) with this bench
 *   npm run bench -- --name NAME        write bench/results/NAME.json instead of <date>.json (latest.* untouched unless --latest)
 *   npm run bench -- --baseline FILE    add a before/after table against an earlier result
 *   npm run bench -- --native-default   onnxruntime-node with its default session config (for an older --dist)
 *   npm run bench -- --compare-dist DIR an older build side by side with this one, in turn (engine before/after)
 *   npm run bench -- --compare-dist DIR --compare-only   that comparison and the memory plans alone (minutes, not the whole bench)
 *   npm run bench -- --readme           also put the table into README.md ("Performance", between the bench markers)
 *   npm run bench -- --skip-gpu --skip-adherence --note "text"
 *   npm run bench -- --wan-pack DIR     only the cost of a wan2.1 pack at 320x192x17 on the CPU (bench/wanCost.ts),
 *                                       written as bench/results/<date>-wan-p6.json/.md (or --name); --wan-dit-frames N
 *                                       and --wan-vae-frames N measure at fewer frames where 17 is too slow (scaled, said so);
 *                                       --wan-wasm dit,text also runs those on onnxruntime-web's WASM backend in Node
 *
 * An older build for --compare-dist, e.g. the commit before the engine changes:
 *   git worktree add --detach /tmp/before 7368e26 && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   (cd /tmp/before && npx vite build --logLevel warn) && npm run bench -- --compare-dist /tmp/before/dist
 *
 * Timings are reported as medians with their range; nothing here asserts on a timing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { rgbaFramesToRgb } from '../src/media/rgbFrames';
import { BUILT_IN_PACK } from '../src/state/packChoice';
import { launchChromium } from '../test/e2e/browser';
import { canScore, heldOutCaptions, measureAdherence, type AdherenceResult } from './adherence';
import { closeBenchApp, generateOnce, openBenchApp, setForm, type RunTimings } from './app';
import { frameDifference, measureMemory, probeAdapter, timeClip, type AdapterInfo, type MemoryPoint, type TimedRuns } from './browserBench';
import { DEFAULT_CLIP, FULL_PLAN, IDLE_AFTER_LOAD_MS, GPU_CLIP, MEMORY_FRAMES, PROMPT, QUICK_PLAN, SCALING_CLIPS, SEED, type BenchPlan, type ClipSettings } from './config';
import { loadAverage, machineInfo, monitorOtherLoad, otherLoad, type OtherProcess } from './machine';
import { measureMemoryPlans } from './memoryPlans';
import { loadNativePack, type NativePack } from './native';
import { probeDecoders } from './decoderProbe';
import { ORT_PROBE_HTML, probeNative, probeWasm } from './kernelProbe';
import { bundleCacheBench, CACHE_BENCH_HTML } from './page/bundle';
import { compareBuilds, type Comparison } from './compare';
import type { CacheBenchResult } from './page/cacheBench';
import { buildResults, planRow, renderComparison, renderMarkdown, summarizeMemoryPlans, type BenchInputs, type KernelProbe, type PackPairs, type PairedRuns } from './report';
import { round } from './stats';
import { startBenchServer } from './server';
import { runWanCost } from './wanCost';
import { WAN_CLIP, WAN_COMPONENTS, type WanComponent } from './wanCostConfig';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MODELS = join(ROOT, 'public', 'models');
/** The default clip's pack (P1, P2, P4, scaling, memory, WebGPU): the app's built-in one. */
const PACK = BUILT_IN_PACK;
/** P3 and P5's int8 ÷ fp32 pair: one model in both precisions, with the same 32-pixel decoder. */
const PACK_INT8 = 'tessera-tiny';
const PACK_FP32 = 'tessera-tiny-fp32';

interface Args {
  quick: boolean;
  build: boolean;
  dist: string | null;
  name: string | null;
  latest: boolean;
  baseline: string | null;
  gpu: boolean;
  adherence: boolean;
  note: string | null;
  /** onnxruntime-node without Tessera's session config (pair with --dist of an older build). */
  nativeDefault: boolean;
  /** An older build to compare with, side by side (bench/compare.ts). */
  compareDist: string | null;
  /** Only the --compare-dist comparison and the memory plans. */
  compareOnly: boolean;
  /** Put the table into README.md between its bench markers. */
  readme: boolean;
  /** A wan2.1 pack: measure its cost alone (bench/wanCost.ts) instead of the default bench. */
  wanPack: string | null;
  /** Frames the wan2.1 DiT and the VAE are measured at (the clip's 17 by default). */
  wanDitFrames: number;
  wanVaeFrames: number;
  /** Components also measured on onnxruntime-web's WASM backend in Node. */
  wanWasm: WanComponent[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, build: true, dist: null, name: null, latest: true, baseline: null, gpu: true, adherence: true, note: null, nativeDefault: false, compareDist: null, compareOnly: false, readme: false, wanPack: null, wanDitFrames: WAN_CLIP.frames, wanVaeFrames: WAN_CLIP.frames, wanWasm: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--dist') args.dist = resolve(value());
    else if (arg === '--name') {
      args.name = value();
      args.latest = false;
    } else if (arg === '--latest') args.latest = true;
    else if (arg === '--baseline') args.baseline = resolve(value());
    else if (arg === '--skip-gpu') args.gpu = false;
    else if (arg === '--skip-adherence') args.adherence = false;
    else if (arg === '--note') args.note = value();
    else if (arg === '--native-default') args.nativeDefault = true;
    else if (arg === '--compare-dist') args.compareDist = resolve(value());
    else if (arg === '--readme') args.readme = true;
    else if (arg === '--compare-only') args.compareOnly = true;
    else if (arg === '--wan-pack') args.wanPack = resolve(value());
    else if (arg === '--wan-dit-frames') args.wanDitFrames = wanFrames(arg, value());
    else if (arg === '--wan-vae-frames') args.wanVaeFrames = wanFrames(arg, value());
    else if (arg === '--wan-wasm') args.wanWasm = wanComponents(arg, value());
    else throw new Error(`unknown argument ${arg} (see the top of bench/run.ts)`);
  }
  if (args.compareOnly && !args.compareDist) throw new Error('--compare-only needs --compare-dist DIR');
  return args;
}

/** A frame count the wan2.1 latent allows (1 + 4k, at most the clip's). */
function wanFrames(flag: string, text: string): number {
  const frames = Number(text);
  if (!Number.isInteger(frames) || frames < 1 || frames > WAN_CLIP.frames || (frames - 1) % 4) throw new Error(`${flag} ${text}: expected 1, 5, 9, 13 or 17 (1 + 4k)`);
  return frames;
}

/** A comma-separated list of wan2.1 components (text, dit, vae). */
function wanComponents(flag: string, text: string): WanComponent[] {
  const list = text.split(',');
  const unknown = list.filter((c) => !(WAN_COMPONENTS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`${flag} ${text}: unknown component ${unknown.join(', ')} (expected ${WAN_COMPONENTS.join(', ')})`);
  return list as WanComponent[];
}

/** A person reading the page and typing: the engine warms up meanwhile (src/engine/warmUp.ts). */
function idle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_LOAD_MS));
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Newest modification time under the app's sources. */
function newestSource(): number {
  let newest = 0;
  const walk = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of ['src', 'workers', 'index.html', 'vite.config.ts', 'package.json']) if (existsSync(join(ROOT, path))) walk(join(ROOT, path));
  return newest;
}

/**
 * The production build of the current sources, in a folder of the bench's own (other tools rebuild
 * dist/ at any time): reused when newer than every source file.
 */
function ensureBuild(args: Args): string {
  if (args.dist) return args.dist;
  const dist = join(ROOT, 'node_modules', '.cache', 'tessera-bench', 'dist');
  const index = join(dist, 'index.html');
  const fresh = existsSync(index) && statSync(index).mtimeMs >= newestSource();
  if (!args.build || fresh) {
    if (!existsSync(index)) throw new Error(`${dist} has no build; run without --no-build`);
    log(fresh ? 'reusing the bench build (newer than the sources)' : 'reusing the bench build as asked (--no-build)');
    return dist;
  }
  log('building the app (vite build)');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`vite build failed with status ${build.status}`);
  return dist;
}

/** Browser run interleaved with a native run of the same clip, pair by pair. */
async function pairedRuns(page: Page, native: NativePack, clip: ClipSettings, plan: BenchPlan): Promise<PairedRuns & { nativeFrames: Uint8Array }> {
  const request = { prompt: PROMPT, seed: SEED, aspect: clip.aspect, frames: clip.frames, steps: clip.steps };
  await native.run(request);
  const nativeMs: number[] = [];
  const nativeRunMs: number[] = [];
  const nativeRunMsByRole: Record<string, number>[] = [];
  let nativeFrames: Uint8Array = new Uint8Array();
  const browser = await timeClip(page, clip, plan.runs, plan.warmup, async () => {
    const run = await native.run(request);
    nativeMs.push(run.ms);
    nativeRunMs.push(run.runMs);
    nativeRunMsByRole.push({ ...run.runMsByRole });
    nativeFrames = rgbaFramesToRgb(run.video.frames);
  });
  return { browser, nativeMs, nativeRunMs, nativeRunMsByRole, nativeFrames };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.wanPack) {
    const name = args.name ?? `${new Date().toISOString().slice(0, 10)}-wan-p6`;
    console.log(`\n${await runWanCost(ROOT, args.wanPack, { ditFrames: args.wanDitFrames, vaeFrames: args.wanVaeFrames, name, note: args.note, wasm: args.wanWasm }, log)}`);
    return;
  }
  const plan = args.quick ? QUICK_PLAN : FULL_PLAN;
  const started = performance.now();
  const loadAtStart: OtherProcess[] = await otherLoad();
  const loadMonitor = monitorOtherLoad();
  const loadAvgStart = loadAverage();
  if (loadAtStart.length > 0) log(`also running: ${loadAtStart.map((p) => `${p.command.slice(0, 60)} (${p.cpuPercent}%)`).join('; ')}`);

  const dist = ensureBuild(args);
  const server = await startBenchServer({
    dist,
    models: MODELS,
    routes: {
      '/__bench/cache.html': { body: CACHE_BENCH_HTML, type: 'text/html; charset=utf-8' },
      '/__bench/cache.js': { body: await bundleCacheBench(), type: 'text/javascript' },
      '/__bench/ort.html': { body: ORT_PROBE_HTML, type: 'text/html; charset=utf-8' },
      '/__bench/gemm-probe.onnx': { body: readFileSync(join(ROOT, 'bench', 'fixtures', 'gemm-probe.onnx')), type: 'application/octet-stream' },
    },
    folders: { '/ort/': join(ROOT, 'node_modules', 'onnxruntime-web', 'dist') },
  });
  let browser: Browser | null = null;
  const natives: NativePack[] = [];
  try {
    browser = await launchChromium();
    if (args.compareOnly) {
      await compareOnly(args, browser, server.url, plan, { started, loadAtStart, loadMonitor, loadAvgStart });
      return;
    }
    const native = await loadNativePack(join(MODELS, PACK), undefined, args.nativeDefault);
    natives.push(native);

    // P1, P2, P4: the default clip on WASM, paired with onnxruntime-node
    log(`WASM: loading ${PACK}`);
    const openStarted = performance.now();
    const wasm = await openBenchApp(browser, server.url, 'wasm', PACK);
    const appLoadMs = performance.now() - openStarted;
    await idle();
    log(`WASM: default clip ${DEFAULT_CLIP.aspect} × ${DEFAULT_CLIP.frames} frames, ${DEFAULT_CLIP.steps} steps, ${plan.runs} runs paired with onnxruntime-node`);
    const p1 = await pairedRuns(wasm.page, native, DEFAULT_CLIP, plan);

    // P5 speed: int8 and fp32 packs in turn (both pages open, both natives), so drift cancels
    log(`WASM and native: ${PACK_INT8} and ${PACK_FP32} in turn, default clip`);
    const [nativeInt8, nativeFp32] = [await loadNativePack(join(MODELS, PACK_INT8), undefined, args.nativeDefault), await loadNativePack(join(MODELS, PACK_FP32), undefined, args.nativeDefault)];
    natives.push(nativeInt8, nativeFp32);
    const [int8App, fp32App] = [await openBenchApp(browser, server.url, 'wasm', PACK_INT8), await openBenchApp(browser, server.url, 'wasm', PACK_FP32)];
    await idle();
    await timeClip(int8App.page, DEFAULT_CLIP, 0, plan.warmup);
    await timeClip(fp32App.page, DEFAULT_CLIP, 0, plan.warmup);
    const request = { prompt: PROMPT, seed: SEED, ...DEFAULT_CLIP };
    await nativeInt8.run(request);
    await nativeFp32.run(request);
    const p5: PackPairs = { int8: [], fp32: [], nativeInt8: [], nativeFp32: [] };
    for (let i = 0; i < plan.runs; i++) {
      p5.int8.push(await generateOnce(int8App.page));
      p5.fp32.push(await generateOnce(fp32App.page));
      p5.nativeInt8.push((await nativeInt8.run(request)).ms);
      p5.nativeFp32.push((await nativeFp32.run(request)).ms);
    }
    await closeBenchApp(int8App);
    await closeBenchApp(fp32App);

    // P1 profile: one thread on both sides (the page without cross-origin isolation), so the
    // kernels are compared without the thread pools
    log('WASM on one thread (page not cross-origin isolated) paired with onnxruntime-node on one thread');
    const native1 = await loadNativePack(join(MODELS, PACK), 1, args.nativeDefault);
    natives.push(native1);
    const single = await openBenchApp(browser, server.url, 'wasm', PACK, { isolated: false });
    await idle();
    const p1Single = await pairedRuns(single.page, native1, DEFAULT_CLIP, { ...plan, runs: Math.min(plan.runs, 3) });
    const singleBadge = single.badge;
    await closeBenchApp(single);

    log('kernels alone: matmul chain and one DiT step, WASM page against onnxruntime-node, 1 and 2 threads');
    const kernels: KernelProbe[] = [];
    for (const threads of [1, 2]) {
      kernels.push({
        threads,
        wasm: await probeWasm(browser, server.url, `/models/${PACK}/dit.onnx`, threads),
        native: await probeNative(ROOT, join(MODELS, PACK, 'dit.onnx'), threads),
      });
    }

    log('decoders alone: tessera-tiny and tessera-tiny-2 (4×), WASM page against onnxruntime-node, 2 threads');
    const decoders = await probeDecoders(browser, server.url, MODELS);

    // Round-robin over the sizes, so a busy spell on a shared machine hits every size alike
    log('WASM and native: seconds per step at four token counts, sizes in turn');
    const scaling = SCALING_CLIPS.map((clip) => ({ clip, browser: [] as RunTimings[], nativeMs: [] as number[] }));
    for (let round = -1; round < plan.scalingRuns; round++) {
      for (const entry of scaling) {
        const { clip } = entry;
        const request = { prompt: PROMPT, seed: SEED, aspect: clip.aspect, frames: clip.frames, steps: clip.steps };
        await setForm(wasm.page, { prompt: PROMPT, seed: SEED, aspect: clip.aspect, frames: clip.frames, steps: clip.steps });
        const timings = await generateOnce(wasm.page);
        const nativeRun = await native.run(request);
        // Round -1 warms each shape up (first run of a shape allocates)
        if (round < 0) continue;
        entry.browser.push(timings);
        entry.nativeMs.push(nativeRun.ms);
      }
    }

    log(`WASM: the WebGPU comparison clip (${GPU_CLIP.frames} frames, ${GPU_CLIP.steps} steps)`);
    const wasmSmall = await timeClip(wasm.page, GPU_CLIP, plan.gpuRuns, 1);
    const wasmBadge = wasm.badge;
    const wasmErrors = [...wasm.errors];
    await closeBenchApp(wasm);

    log(`memory: peak at ${MEMORY_FRAMES.join(', ')} frames`);
    const memory = await measureMemory(
      browser,
      server.url,
      MEMORY_FRAMES.map((frames) => ({ frames, tokens: SCALING_CLIPS.find((c) => c.aspect === '1:1' && c.frames === frames)?.tokens ?? ((frames + 3) / 4) * 16 })),
    );

    // P1b: WebGPU against WASM on the same short clip
    let gpu: { adapter: AdapterInfo | null; runs: TimedRuns | null; warmups: number; badge: string | null } = { adapter: null, runs: null, warmups: 0, badge: null };
    if (args.gpu) {
      const probePage = await browser.newPage();
      await probePage.goto(`${server.url}__bench/cache.html`);
      const adapter = await probeAdapter(probePage);
      await probePage.close();
      if (adapter) {
        log(`WebGPU (${adapter.description || adapter.vendor}): ${GPU_CLIP.frames} frames, ${GPU_CLIP.steps} steps, ${plan.gpuWarmup} + ${plan.gpuRuns} runs`);
        const app = await openBenchApp(browser, server.url, 'webgpu', PACK);
        const runs = await timeClip(app.page, GPU_CLIP, plan.gpuRuns, plan.gpuWarmup);
        gpu = { adapter, runs, warmups: plan.gpuWarmup, badge: app.badge };
        await closeBenchApp(app);
      } else log('WebGPU: no adapter, skipped');
    }
    const memoryPoints: MemoryPoint[] = await memory.collect();

    // P3: the weight cache, cold (download) against warm (IndexedDB)
    log('cache: cold download against warm IndexedDB load');
    const cacheContext = await browser.newContext({ serviceWorkers: 'block' });
    const cachePage = await cacheContext.newPage();
    await cachePage.goto(`${server.url}__bench/cache.html`);
    await cachePage.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
    const cache: Record<string, CacheBenchResult> = {};
    for (const pack of [PACK_INT8, PACK_FP32]) {
      cache[pack] = await cachePage.evaluate(([url, rounds]) => window.cacheBench.run(url, rounds, 5), [`/models/${pack}/manifest.json`, plan.cacheRounds] as const);
    }
    await cacheContext.close();
    let comparison: Comparison | null = null;
    if (args.compareDist) {
      log(`engine before/after: ${args.compareDist} and this build side by side, default clip in turn`);
      comparison = await compareBuilds(browser, server.url, args.compareDist, MODELS, join(MODELS, PACK), plan, args.nativeDefault);
      comparison = { ...comparison, before: `${args.compareDist}, build ${commitOf(join(args.compareDist, '..')) ?? 'unknown'}` };
    }
    const browserVersion = browser.version();
    await browser.close();
    browser = null;

    // P5: held-out adherence of both packs (native pipeline + training/evaluate.py scoring)
    const adherence: Record<string, AdherenceResult | null> = { [PACK_INT8]: null, [PACK_FP32]: null };
    let adherenceNote: string | null = null;
    if (args.adherence && canScore(ROOT)) {
      const captions = heldOutCaptions(ROOT);
      const scenes = Math.min(plan.adherenceScenes, captions.length);
      for (const [pack, runner] of [[PACK_INT8, nativeInt8], [PACK_FP32, nativeFp32]] as const) {
        log(`adherence: ${pack}, ${scenes} held-out scenes, 20 steps`);
        adherence[pack] = await measureAdherence(ROOT, runner, captions, scenes);
      }
    } else adherenceNote = args.adherence ? `skipped: ${'/usr/bin/python3'} with torch or training/ is missing` : 'skipped (--skip-adherence)';

    // Memory plans: resident and sequential sessions on onnxruntime-node, a fresh process each
    log(`memory plans: resident and sequential on onnxruntime-node, ${plan.memoryPlanRounds} process${plan.memoryPlanRounds === 1 ? '' : 'es'} each`);
    const memoryPlans = measureMemoryPlans(ROOT, join(MODELS, PACK), plan.memoryPlanRounds);

    const loadAtEnd = await otherLoad();
    const during = loadMonitor.stop();
    const inputs: BenchInputs = {
      date: new Date().toISOString(),
      build: { dist, commit: commitOf(args.dist ? join(dist, '..') : ROOT), nativeConfig: args.nativeDefault ? 'onnxruntime defaults' : 'src/runtime/sessionConfig.ts' },
      quick: args.quick,
      plan,
      note: args.note,
      durationS: (performance.now() - started) / 1000,
      machine: machineInfo(),
      browserVersion,
      wasmBadge,
      gpuBadge: gpu.badge,
      adapter: gpu.adapter,
      otherLoad: { start: loadAtStart, end: loadAtEnd, loadAvgStart, loadAvgEnd: loadAverage(), during },
      appLoadMs,
      p1,
      p1Single,
      singleBadge,
      kernels,
      decoders,
      scaling,
      wasmSmall,
      gpu: gpu.runs,
      frameDiff: {
        wasmVsNative: frameDifference(p1.browser.frames, p1.nativeFrames),
        webgpuVsWasm: gpu.runs ? frameDifference(gpu.runs.frames, wasmSmall.frames) : null,
      },
      memory: memoryPoints,
      memoryPlans,
      p5,
      pack: PACK,
      packBytes: { int8: packBytes(PACK_INT8), fp32: packBytes(PACK_FP32) },
      cache,
      adherence,
      adherenceNote,
      comparison,
      errors: wasmErrors,
    };
    const results = buildResults(inputs, args.baseline ? JSON.parse(readFileSync(args.baseline, 'utf8')) : null);
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const name = args.name ?? inputs.date.slice(0, 10);
    const json = `${JSON.stringify(results, null, 1)}\n`;
    writeFileSync(join(dir, `${name}.json`), json);
    const markdown = renderMarkdown(results);
    writeFileSync(join(dir, `${name}.md`), markdown);
    if (args.latest) {
      writeFileSync(join(dir, 'latest.json'), json);
      writeFileSync(join(dir, 'latest.md'), markdown);
    }
    if (args.readme) updateReadme(markdown);
    console.log(`\n${markdown}`);
    log(`wrote bench/results/${name}.json${args.latest ? ' and latest.json/.md' : ''} in ${Math.round(inputs.durationS)} s`);
  } finally {
    await browser?.close().catch(() => undefined);
    await Promise.allSettled(natives.map((n) => n.release()));
    await server.close();
  }
}

/**
 * `--compare-only`: the build before and this one side by side (bench/compare.ts) and the memory
 * plans, written as bench/results/<name>.json and .md (latest.* untouched).
 */
async function compareOnly(
  args: Args,
  browser: Browser,
  url: string,
  plan: BenchPlan,
  load: { started: number; loadAtStart: OtherProcess[]; loadMonitor: ReturnType<typeof monitorOtherLoad>; loadAvgStart: number },
): Promise<void> {
  log(`engine before/after: ${args.compareDist} and this build side by side, default clip in turn`);
  const comparison = await compareBuilds(browser, url, args.compareDist!, MODELS, join(MODELS, PACK), plan, args.nativeDefault);
  const before = `${args.compareDist}, build ${commitOf(join(args.compareDist!, '..')) ?? 'unknown'}`;
  log(`memory plans: resident and sequential on onnxruntime-node, ${plan.memoryPlanRounds} processes each`);
  const memoryPlans = summarizeMemoryPlans(measureMemoryPlans(ROOT, join(MODELS, PACK), plan.memoryPlanRounds));
  const during = load.loadMonitor.stop();
  const date = new Date().toISOString();
  const results = {
    date,
    quick: args.quick,
    note: args.note,
    build: commitOf(ROOT),
    plan,
    durationS: Math.round((performance.now() - load.started) / 1000),
    machine: machineInfo(),
    otherLoad: { start: load.loadAtStart, loadAvgStart: load.loadAvgStart, loadAvgEnd: loadAverage(), during },
    engineChanges: { ...comparison, before },
    memoryPlans,
  };
  const markdown = [
    `Measured ${date.slice(0, 16).replace('T', ' ')} UTC on ${results.machine.cores} cores, build ${results.build}; ${plan.runs} pairs after ${plan.warmup} warm-up pairs; bench took ${results.durationS} s.`,
    `Other processes used ${during.meanCores} cores on average (peak ${during.peakCores}); load average ${round(load.loadAvgStart)} → ${round(loadAverage())}.`,
    args.note ? `Note: ${args.note}` : '',
    '',
    ...renderComparison({ ...comparison, before }),
    '',
    '| | measure | value |',
    '|---|---|---|',
    planRow(memoryPlans),
    '',
  ].join('\n');
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const name = args.name ?? `${date.slice(0, 10)}-compare`;
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(join(dir, `${name}.md`), markdown);
  console.log(`\n${markdown}`);
  log(`wrote bench/results/${name}.json and .md`);
}

const README_START = '<!-- bench:start (written by npm run bench -- --readme) -->';
const README_END = '<!-- bench:end -->';

/** Replaces the table between the README's bench markers. */
function updateReadme(markdown: string): void {
  const path = join(ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    log('README.md has no bench markers; table not copied');
    return;
  }
  writeFileSync(path, `${readme.slice(0, start + README_START.length)}\n${markdown}${readme.slice(end)}`);
  log('copied the table into README.md');
}

/** The commit of the checkout a build came from (and whether it had changes), or null. */
function commitOf(dir: string): string | null {
  const head = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'workers'], { encoding: 'utf8' }).stdout.trim().length > 0;
  return `${head.stdout.trim()}${dirty ? '+changes' : ''}`;
}

function packBytes(pack: string): number {
  const manifest = JSON.parse(readFileSync(join(MODELS, pack, 'manifest.json'), 'utf8')) as { files: { bytes: number }[] };
  return manifest.files.reduce((sum, f) => sum + f.bytes, 0);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

export type { ClipSettings };
