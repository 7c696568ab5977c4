/**
 * Driving the app like a person: by accessible names (the ones issue 4 fixes), with every wait
 * bounded so a hang fails the test instead of blocking CI.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';

export interface AppOptions {
  /** `?backend=`: auto (default), webgpu or wasm. */
  readonly backend?: 'auto' | 'webgpu' | 'wasm';
  /** `?pack=`: a shipped pack other than the built-in one (tests whose thresholds were measured on it). */
  readonly pack?: string;
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
  await page.goto(`${baseUrl}?testHooks=1&backend=${options.backend ?? 'auto'}${options.pack ? `&pack=${options.pack}` : ''}`);
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

/** Chooses a generation mode in the Mode combobox by its visible label ("Extend", "Loop", …). */
export async function chooseMode(page: Page, label: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Mode' }).selectOption({ label });
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
export function evaluateWithin<T>(page: Page, fn: () => T | Promise<T>, timeoutMs = 30_000): Promise<T> {
  return within(page.evaluate(fn), timeoutMs);
}

async function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`page.evaluate took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The MIME type of the file a result link points at, read back in the page from its object URL. */
export async function resultFileType(page: Page, name: RegExp): Promise<string> {
  const href = await resultLink(page, name).getAttribute('href');
  if (!href) throw new Error(`the result link ${name} has no href`);
  return within(page.evaluate(async (url) => (await (await fetch(url)).blob()).type, href), 30_000);
}

/** The last result's frames as RGB bytes at model resolution (test hook). */
export async function lastRawFrames(page: Page): Promise<Uint8Array> {
  const values = await evaluateWithin(page, () => (globalThis as unknown as { __tessera: { lastRawFrames(): number[] | null } }).__tessera.lastRawFrames());
  if (!values) throw new Error('the app has no raw frames (was it opened with ?testHooks?)');
  return Uint8Array.from(values);
}

/** RGB frames of width×height (as the test hook returns them) → RGBA frames, as the pipeline and frameMetrics take them. */
export function rgbToRgbaFrames(rgb: Uint8Array, width: number, height: number): Uint8ClampedArray[] {
  const plane = width * height;
  if (rgb.length % (plane * 3) !== 0) throw new Error(`${rgb.length} bytes are not whole ${width}×${height} RGB frames`);
  return Array.from({ length: rgb.length / (plane * 3) }, (_, f) => {
    const out = new Uint8ClampedArray(plane * 4);
    for (let p = 0; p < plane; p++) {
      out.set(rgb.subarray((f * plane + p) * 3, (f * plane + p) * 3 + 3), p * 4);
      out[p * 4 + 3] = 255;
    }
    return out;
  });
}

/** RGBA frames → RGB bytes, the test hook's layout (to compare the Node pipeline's frames with the browser's). */
export function rgbaToRgb(frames: readonly Uint8ClampedArray[]): Uint8Array {
  const plane = (frames[0]?.length ?? 0) / 4;
  const out = new Uint8Array(frames.length * plane * 3);
  frames.forEach((frame, f) => {
    for (let p = 0; p < plane; p++) out.set(frame.subarray(p * 4, p * 4 + 3), (f * plane + p) * 3);
  });
  return out;
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
