/**
 * Before/after of an engine change, measured in one go so machine drift cancels: an older build
 * (`--compare-dist DIR`, e.g. the commit before the change) and the current one open side by side,
 * generating the default clip in turn; onnxruntime-node in turn too: the before side runs the Node
 * pipeline of the build's own checkout (its bench/native.ts, when the build sits in a checkout's
 * dist/), so the engine's change is measured apart from everything the page changed; with
 * `--native-default` the before side runs this checkout's pipeline with onnxruntime's default
 * session config (for builds older than that config). Ratios are taken pair by pair; their range is
 * the run-to-run noise a change has to stand out from.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { rgbaFramesToRgb } from '../src/media/rgbFrames';
import { closeBenchApp, generateOnce, openBenchApp, samplingMs, setForm, type RunTimings } from './app';
import { frameDifference } from './browserBench';
import { DEFAULT_CLIP, IDLE_AFTER_LOAD_MS, PROMPT, SEED, type BenchPlan } from './config';
import { lastRawFrames } from './app';
import { loadNativePack, type NativePack } from './native';
import { startBenchServer } from './server';
import { pairedRatio, round, summarize } from './stats';

export interface Comparison {
  readonly before: string;
  /** Median and range of each side, and after ÷ before taken pair by pair. */
  readonly rows: Record<string, { before: number; after: number; afterOverBefore: number; unit: string; ratioRange?: { min: number; max: number; n: number } }>;
  /** Largest difference of the browser's frames from native's, before and after (levels of 255). */
  readonly wasmVsNativeMaxDiff: { before: number; after: number };
  readonly beforeVsAfterFramesMaxDiff: number;
}

export async function compareBuilds(
  browser: Browser,
  afterUrl: string,
  beforeDist: string,
  models: string,
  nativeDir: string,
  plan: BenchPlan,
  nativeDefaultBefore: boolean,
): Promise<Comparison> {
  const server = await startBenchServer({ dist: beforeDist, models });
  const natives = await Promise.all([loadBeforeNative(beforeDist, nativeDir, nativeDefaultBefore), loadNativePack(nativeDir)]);
  try {
    const [before, after] = [await openBenchApp(browser, server.url, 'wasm'), await openBenchApp(browser, afterUrl, 'wasm')];
    await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_LOAD_MS));
    const form = { prompt: PROMPT, seed: SEED, ...DEFAULT_CLIP };
    await setForm(before.page, form);
    await setForm(after.page, form);
    const first = { before: await generateOnce(before.page), after: await generateOnce(after.page) };
    for (let i = 0; i < plan.warmup; i++) {
      await generateOnce(before.page);
      await generateOnce(after.page);
    }
    const runs: { before: RunTimings[]; after: RunTimings[]; nativeBefore: number[]; nativeAfter: number[]; nativeRunBefore: number[]; nativeRunAfter: number[] } = {
      before: [],
      after: [],
      nativeBefore: [],
      nativeAfter: [],
      nativeRunBefore: [],
      nativeRunAfter: [],
    };
    let nativeFrames: Uint8Array[] = [];
    for (let i = 0; i < plan.runs; i++) {
      runs.before.push(await generateOnce(before.page));
      runs.after.push(await generateOnce(after.page));
      const [b, a] = [await natives[0].run(form), await natives[1].run(form)];
      runs.nativeBefore.push(b.ms);
      runs.nativeAfter.push(a.ms);
      runs.nativeRunBefore.push(b.runMs);
      runs.nativeRunAfter.push(a.runMs);
      nativeFrames = [rgbaFramesToRgb(b.video.frames), rgbaFramesToRgb(a.video.frames)];
    }
    const frames = { before: await lastRawFrames(before.page), after: await lastRawFrames(after.page) };
    await closeBenchApp(before);
    await closeBenchApp(after);

    const row = (b: number[], a: number[], unit: string) => {
      const ratio = pairedRatio(a, b);
      return {
        before: round(summarize(b).median),
        after: round(summarize(a).median),
        afterOverBefore: round(ratio.median),
        unit,
        ratioRange: { min: round(ratio.min), max: round(ratio.max), n: ratio.n },
      };
    };
    const overheadShare = (t: RunTimings) => (100 * (samplingMs(t) - t.runMs)) / samplingMs(t);
    const one = (b: number, a: number, unit: string) => ({ before: round(b), after: round(a), afterOverBefore: round(a / b), unit });
    return {
      before: beforeDist,
      rows: {
        'WASM sampling, default clip': row(runs.before.map(samplingMs), runs.after.map(samplingMs), 'ms'),
        'WASM time inside session.run': row(runs.before.map((t) => t.runMs), runs.after.map((t) => t.runMs), 'ms'),
        'WASM pipeline overhead': row(runs.before.map((t) => samplingMs(t) - t.runMs), runs.after.map((t) => samplingMs(t) - t.runMs), 'ms'),
        'WASM pipeline overhead ÷ sampling': row(runs.before.map(overheadShare), runs.after.map(overheadShare), '%'),
        'WASM total incl. mux': row(runs.before.map((t) => t.totalMs), runs.after.map((t) => t.totalMs), 'ms'),
        'first generation after load: first preview': one(first.before.firstPreviewMs ?? Number.NaN, first.after.firstPreviewMs ?? Number.NaN, 'ms'),
        'first generation after load: total': one(first.before.totalMs, first.after.totalMs, 'ms'),
        [nativeDefaultBefore ? 'onnxruntime-node, default clip (default session config before)' : 'onnxruntime-node, default clip (each build\'s own pipeline)']: row(
          runs.nativeBefore,
          runs.nativeAfter,
          'ms',
        ),
        'onnxruntime-node time inside session.run': row(runs.nativeRunBefore, runs.nativeRunAfter, 'ms'),
        'onnxruntime-node pipeline overhead ÷ total': row(
          runs.nativeBefore.map((ms, i) => (100 * (ms - runs.nativeRunBefore[i]!)) / ms),
          runs.nativeAfter.map((ms, i) => (100 * (ms - runs.nativeRunAfter[i]!)) / ms),
          '%',
        ),
        'P1 WASM ÷ native': one(
          summarize(runs.before.map(samplingMs)).median / summarize(runs.nativeBefore).median,
          summarize(runs.after.map(samplingMs)).median / summarize(runs.nativeAfter).median,
          '×',
        ),
      },
      wasmVsNativeMaxDiff: { before: frameDifference(frames.before, nativeFrames[0]!).max, after: frameDifference(frames.after, nativeFrames[1]!).max },
      beforeVsAfterFramesMaxDiff: frameDifference(frames.before, frames.after).max,
    };
  } finally {
    await Promise.allSettled(natives.map((n) => n.release()));
    await server.close();
  }
}

/**
 * The before side's Node pipeline: the bench/native.ts of the checkout the build came from (a
 * `dist/` inside it), imported as it is; else this checkout's (with `defaultConfig`).
 */
async function loadBeforeNative(beforeDist: string, nativeDir: string, defaultConfig: boolean): Promise<NativePack> {
  const theirs = join(beforeDist, '..', 'bench', 'native.ts');
  if (defaultConfig || !existsSync(theirs)) return loadNativePack(nativeDir, undefined, defaultConfig);
  const module = (await import(pathToFileURL(theirs).href)) as { loadNativePack: typeof loadNativePack };
  return module.loadNativePack(nativeDir);
}
