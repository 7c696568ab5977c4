/**
 * Driving the app like a person: by accessible names (the ones issue 4 fixes), with every wait
 * bounded so a hang fails the test instead of blocking CI.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';

export interface AppOptions {
  /** `?backend=`: auto (default), webgpu or wasm. */
  readonly backend?: 'auto' | 'webgpu' | 'wasm';
}

export interface OpenedApp {
  readonly page: Page;
  /** Uncaught page and worker errors, and console errors, seen so far. */
  readonly errors: string[];
}

/** Opens the app with test hooks and waits until the model is loaded. */
export async function openApp(browser: Browser, baseUrl: string, options: AppOptions = {}): Promise<OpenedApp> {
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1200, height: 860 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${baseUrl}?testHooks=1&backend=${options.backend ?? 'auto'}`);
  await page.getByTestId('backend-badge').waitFor({ timeout: 120_000 });
  return { page, errors };
}

export interface FormValues {
  readonly prompt: string;
  readonly aspect?: string;
  readonly frames?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly negativePrompt?: string;
  /** A fixed seed; random when absent. */
  readonly seed?: number;
}

/** Fills the form through its labels (opening "Advanced" when needed). */
export async function fillForm(page: Page, values: FormValues): Promise<void> {
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(values.prompt);
  if (values.aspect) await page.getByRole('combobox', { name: 'Aspect ratio' }).selectOption(values.aspect);
  if (values.frames) await page.getByRole('combobox', { name: 'Duration' }).selectOption(String(values.frames));
  const advanced = values.steps !== undefined || values.guidance !== undefined || values.negativePrompt !== undefined || values.seed !== undefined;
  if (!advanced) return;
  const details = page.locator('details.advanced');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await page.getByText('Advanced', { exact: true }).click();
  if (values.steps !== undefined) await page.getByRole('spinbutton', { name: 'Steps' }).fill(String(values.steps));
  if (values.guidance !== undefined) await page.getByRole('spinbutton', { name: 'Guidance' }).fill(String(values.guidance));
  if (values.negativePrompt !== undefined) await page.getByRole('textbox', { name: 'Negative prompt' }).fill(values.negativePrompt);
  if (values.seed !== undefined) {
    await page.getByRole('radio', { name: 'Fixed' }).check();
    await page.getByRole('spinbutton', { name: 'Seed value' }).fill(String(values.seed));
  }
}

/** Clicks Generate and waits for the download link of a new result. */
export async function generateAndWait(page: Page, timeoutMs = 180_000): Promise<void> {
  const previous = await page.getByTestId('result-seed').count();
  const oldUrl = previous ? await resultLink(page, /^Download/).getAttribute('href') : null;
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await waitForNewResult(page, oldUrl, timeoutMs);
}

/** Waits until the download link points at a different file than `oldUrl`, or an error shows. */
export async function waitForNewResult(page: Page, oldUrl: string | null, timeoutMs = 180_000): Promise<void> {
  await page.waitForFunction(
    (old) => {
      if (document.querySelector('[role="alert"][data-code]')) return true;
      const link = [...document.querySelectorAll('[aria-label="Result"] a')].find((a) => /^Download/.test(a.textContent ?? ''));
      return link !== undefined && link.getAttribute('href') !== old;
    },
    oldUrl,
    { timeout: timeoutMs, polling: 250 },
  );
  const alert = appAlert(page);
  if (await alert.count()) throw new Error(`the app showed an error: ${await alert.textContent()}`);
}

/** The app's error message (the engine's errors carry a `data-code`). */
export function appAlert(page: Page) {
  return page.locator('[role="alert"][data-code]');
}

/** The result panel's download link. */
export function resultLink(page: Page, name: RegExp) {
  return page.getByRole('region', { name: 'Result' }).getByRole('link', { name });
}

/** Clicks the download link and saves the file to `path`. */
export async function download(page: Page, name: RegExp, path: string): Promise<void> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), resultLink(page, name).click()]);
  await file.saveAs(path);
}

/** Races in-page work against a timer: page.evaluate has no timeout of its own. */
export async function evaluateWithin<T>(page: Page, fn: () => T | Promise<T>, timeoutMs = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`page.evaluate took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([page.evaluate(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last result's frames as RGB bytes at model resolution (test hook). */
export async function lastRawFrames(page: Page): Promise<Uint8Array> {
  const values = await evaluateWithin(page, () => (globalThis as unknown as { __tessera: { lastRawFrames(): number[] | null } }).__tessera.lastRawFrames());
  if (!values) throw new Error('the app has no raw frames (was it opened with ?testHooks?)');
  return Uint8Array.from(values);
}

export interface ProbedVideo {
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: string;
}

/** ffprobe's view of a video file (counts frames by decoding them). */
export function ffprobe(path: string): ProbedVideo {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames,r_frame_rate', '-of', 'json', path], {
    encoding: 'utf8',
  });
  const stream = (JSON.parse(json) as { streams: Record<string, string | number>[] }).streams[0];
  if (!stream) throw new Error(`ffprobe found no video stream in ${path}`);
  return { codec: String(stream.codec_name), width: Number(stream.width), height: Number(stream.height), frames: Number(stream.nb_read_frames), fps: String(stream.r_frame_rate) };
}

/** Largest and mean absolute difference between two byte arrays of equal length. */
export function compareBytes(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} bytes with ${b.length}`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}
