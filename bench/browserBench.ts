/**
 * The browser half of the benchmark, section by section, each against the production app in
 * Chromium. Every timing comes from the engine itself (stage timings and time inside
 * `session.run`, through the `?testHooks` page hooks), not from the page's polling.
 */
import type { Browser, Page } from 'playwright-core';
import { compareBytes } from '../test/e2e/app';
import { closeBenchApp, generateOnce, lastRawFrames, openBenchApp, setForm, type BenchPage, type RunTimings } from './app';
import { PROMPT, SEED, type ClipSettings } from './config';
import { newestRenderer, rendererRss, resetPeak, rss, sampleRss } from './rss';

export interface TimedRuns {
  readonly settings: ClipSettings;
  readonly timings: RunTimings[];
  /** RGB bytes of the last run (frame-major). */
  readonly frames: Uint8Array;
}

/** Sets the form to `clip` (fixed seed) and generates `warmup` + `runs` times. */
export async function timeClip(page: Page, clip: ClipSettings, runs: number, warmup: number, between?: () => Promise<void>): Promise<TimedRuns & { warmups: RunTimings[] }> {
  await setForm(page, { prompt: PROMPT, aspect: clip.aspect, frames: clip.frames, steps: clip.steps, seed: SEED });
  const warmups: RunTimings[] = [];
  for (let i = 0; i < warmup; i++) warmups.push(await generateOnce(page));
  const timings: RunTimings[] = [];
  for (let i = 0; i < runs; i++) {
    timings.push(await generateOnce(page));
    await between?.();
  }
  return { settings: clip, timings, warmups, frames: await lastRawFrames(page) };
}

export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly shaderF16: boolean;
}

/** The WebGPU adapter the page gets, or null without one. */
export async function probeAdapter(page: Page): Promise<AdapterInfo | null> {
  return page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return null;
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      isFallbackAdapter: Boolean(info.isFallbackAdapter),
      shaderF16: adapter.features.has('shader-f16'),
    };
  });
}

export interface MemoryPoint {
  readonly frames: number;
  readonly tokens: number;
  /** Renderer process peak RSS during the generation, bytes (Linux). */
  readonly peakRssBytes: number | null;
  /** Renderer RSS before the generation (model loaded, idle). */
  readonly baseRssBytes: number | null;
  /** Main-thread JS heap in use after the generation (performance.memory). */
  readonly mainJsHeapBytes: number | null;
  /** performance.measureUserAgentSpecificMemory after the generation (page + workers), when it answered. */
  readonly uaMemoryBytes: number | null;
  readonly uaWorkerBytes: number | null;
}

/**
 * Peak memory at each frame count, each on a fresh page (its own renderer process) after a one-frame
 * warm-up generation, so one-time costs (wasm heap set-up, JIT, the safety policy's first use) are
 * not charged to the first duration. The renderer's peak RSS is reset just before the measured
 * generation. Chromium answers `measureUserAgentSpecificMemory` only after a 60 s timeout here
 * (onnxruntime's wasm threads never reply), so each page starts its measurement right after its
 * generation and stays open; `collect` awaits them all and closes the pages.
 */
export async function measureMemory(
  browser: Browser,
  baseUrl: string,
  counts: readonly { frames: number; tokens: number }[],
): Promise<{ collect: () => Promise<MemoryPoint[]> }> {
  const pages: BenchPage[] = [];
  const partial: Omit<MemoryPoint, 'uaMemoryBytes' | 'uaWorkerBytes' | 'mainJsHeapBytes'>[] = [];
  for (const { frames, tokens } of counts) {
    const before = await rendererRss(browser);
    const app = await openBenchApp(browser, baseUrl, 'wasm');
    pages.push(app);
    const pid = await newestRenderer(browser, before);
    await setForm(app.page, { prompt: PROMPT, aspect: '1:1', frames: 1, steps: 1, seed: SEED });
    await generateOnce(app.page);
    await setForm(app.page, { prompt: PROMPT, aspect: '1:1', frames, steps: 4, seed: SEED });
    const base = pid !== null && resetPeak(pid) ? rss(pid) : null;
    const sampler = pid !== null ? sampleRss(pid) : null;
    await generateOnce(app.page);
    const sampled = sampler?.stop() ?? null;
    const after = pid !== null && base ? rss(pid) : null;
    const peak = sampled === null && !after ? null : Math.max(sampled ?? 0, after?.peak ?? 0);
    partial.push({ frames, tokens, peakRssBytes: peak, baseRssBytes: base?.current ?? null });
    await app.page.evaluate(() => {
      const w = globalThis as unknown as { __benchUa?: Promise<unknown> };
      const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> }).measureUserAgentSpecificMemory;
      const mainJsHeap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null;
      w.__benchUa = (crossOriginIsolated && measure ? measure.call(performance) : Promise.resolve(null)).then(
        (m) => ({
          mainJsHeap,
          bytes: m?.bytes ?? null,
          worker: m ? m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((sum, b) => sum + b.bytes, 0) : null,
        }),
        () => ({ mainJsHeap, bytes: null, worker: null }),
      );
    });
  }
  const collect = async (): Promise<MemoryPoint[]> => {
    const ua = await Promise.all(
      pages.map((app) =>
        app.page.evaluate(async () => {
          const pending = (globalThis as unknown as { __benchUa: Promise<{ mainJsHeap: number | null; bytes: number | null; worker: number | null }> }).__benchUa;
          return Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), 90_000))]);
        }),
      ),
    );
    await Promise.all(pages.map(closeBenchApp));
    return partial.map((p, i) => ({ ...p, mainJsHeapBytes: ua[i]?.mainJsHeap ?? null, uaMemoryBytes: ua[i]?.bytes ?? null, uaWorkerBytes: ua[i]?.worker ?? null }));
  };
  return { collect };
}

/** Largest and mean absolute difference of two frame buffers, in levels of 255. */
export function frameDifference(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  return compareBytes(a, b);
}
