/**
 * Driving the production app for the benchmark: the same page a person uses, opened with test hooks
 * (`?testHooks=1`) so the engine's stage timings and raw frames can be read back, and a bounded
 * wait on everything (page.evaluate has no timeout of its own).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { evaluateWithin, fillForm, lastRawFrames, type FormValues } from '../test/e2e/app';
import type { BackendInfo, StageTimings } from '../src/engine/protocol';
import { BUILT_IN_PACK } from '../src/state/packChoice';

export interface BenchPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly backend: BackendInfo['backend'];
  /** What the badge says, e.g. "WASM · 2 threads". */
  readonly badge: string;
  readonly errors: string[];
}

/**
 * Opens the app on `backend` with `pack` in a fresh context (empty storage, no service worker so
 * nothing sits between the engine and the server) and waits until the model is loaded.
 * `isolated: false` serves the page without COOP/COEP: onnxruntime then runs on one WASM thread.
 */
export async function openBenchApp(browser: Browser, baseUrl: string, backend: 'wasm' | 'webgpu', pack = BUILT_IN_PACK, options: { isolated?: boolean } = {}): Promise<BenchPage> {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${baseUrl}?testHooks=1&backend=${backend}&pack=${pack}${options.isolated === false ? '&isolate=0' : ''}`);
  const badge = page.getByTestId('backend-badge');
  try {
    await badge.waitFor({ timeout: 180_000 });
  } catch (error) {
    const text = await page.locator('body').innerText().catch(() => '');
    throw new Error(`the app (${backend}, ${pack}) did not become ready: ${(error as Error).message.split('\n')[0]}; page errors: ${errors.join(' | ') || 'none'}; page text: ${text.slice(0, 400)}`);
  }
  const actual = (await badge.getAttribute('data-backend')) as BackendInfo['backend'];
  if (actual !== backend) throw new Error(`asked for ${backend}, the app runs on ${actual}: ${await badge.textContent()}`);
  return { context, page, backend: actual, badge: (await badge.textContent()) ?? '', errors };
}

/** One generation through the UI (the Generate button); resolves to the engine's timings of it. */
export async function generateOnce(page: Page, timeoutMs = 300_000): Promise<RunTimings> {
  const before = await evaluateWithin(page, () => JSON.stringify((globalThis as unknown as TesseraHooks).__tessera.lastTimings()));
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForFunction(
    (previous) => document.querySelector('[role="alert"]') !== null || JSON.stringify((globalThis as unknown as TesseraHooks).__tessera.lastTimings()) !== previous,
    before,
    { timeout: timeoutMs, polling: 100 },
  );
  const alert = page.getByRole('alert');
  if (await alert.count()) throw new Error(`the app showed an error: ${await alert.first().textContent()}`);
  const timings = await evaluateWithin(page, () => (globalThis as unknown as TesseraHooks).__tessera.lastTimings());
  if (!timings?.runs || !timings.runMsByRole) throw new Error('no run timings after a generation (is the build older than the timing hooks?)');
  return { ...timings, firstPreviewMs: timings.firstPreviewMs ?? null, runs: timings.runs, runMs: timings.runMs ?? 0, runMsByRole: timings.runMsByRole, copyMs: timings.copyMs ?? 0 };
}

/** Stage timings with the run profile present. */
export type RunTimings = Required<StageTimings>;

interface TesseraHooks {
  __tessera: { lastTimings(): StageTimings | null };
}

/** Sets the form (prompt, size, duration, steps, fixed seed) for the next generations. */
export function setForm(page: Page, values: FormValues): Promise<void> {
  return fillForm(page, values);
}

export { lastRawFrames };

/** Time of the sampling stages only (text encoder, denoising loop, VAE decode): what onnxruntime-node is timed on. */
export function samplingMs(t: Pick<StageTimings, 'encodeMs' | 'denoiseMs' | 'decodeMs'>): number {
  return t.encodeMs + t.denoiseMs + t.decodeMs;
}

/** Page memory as `performance.measureUserAgentSpecificMemory` reports it (page and its workers). */
export interface MemorySample {
  /** Total bytes (JS heaps of the page and workers, wasm memories, DOM). */
  readonly bytes: number;
  /** Main-thread JS heap in use (`performance.memory`), Chromium only. */
  readonly mainJsHeap: number;
  /** Bytes attributed to the engine worker. */
  readonly workerBytes: number;
}

/**
 * Samples page memory over and over until `work` settles; resolves to the largest sample and the
 * number of samples. Needs cross-origin isolation; returns null where the API is missing.
 */
export async function peakMemoryDuring<T>(page: Page, work: () => Promise<T>): Promise<{ result: T; peak: MemorySample | null; samples: number }> {
  const supported = await page.evaluate(() => typeof (performance as { measureUserAgentSpecificMemory?: unknown }).measureUserAgentSpecificMemory === 'function' && crossOriginIsolated);
  if (!supported) return { result: await work(), peak: null, samples: 0 };
  await page.evaluate(() => {
    type Breakdown = { bytes: number; attribution: { scope: string }[] };
    const w = globalThis as unknown as { __benchMemory: { stop: boolean; peak: { bytes: number; mainJsHeap: number; workerBytes: number } | null; samples: number; done: Promise<void> } };
    const state: (typeof w)['__benchMemory'] = { stop: false, peak: null, samples: 0, done: Promise.resolve() };
    const measure = (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number; breakdown: Breakdown[] }> }).measureUserAgentSpecificMemory;
    state.done = (async () => {
      while (!state.stop) {
        const m = await measure.call(performance);
        const workerBytes = m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((s, b) => s + b.bytes, 0);
        const mainJsHeap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
        state.samples += 1;
        if (!state.peak || m.bytes > state.peak.bytes) state.peak = { bytes: m.bytes, mainJsHeap, workerBytes };
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    w.__benchMemory = state;
  });
  const result = await work();
  const { peak, samples } = await evaluateWithin(
    page,
    async () => {
      const state = (globalThis as unknown as { __benchMemory: { stop: boolean; peak: MemorySample | null; samples: number; done: Promise<void> } }).__benchMemory;
      state.stop = true;
      await state.done;
      return { peak: state.peak, samples: state.samples };
    },
    120_000,
  );
  return { result, peak, samples };
}

/** Closes a bench page's context. */
export async function closeBenchApp(app: BenchPage): Promise<void> {
  await app.context.close();
}

export type { Browser };
