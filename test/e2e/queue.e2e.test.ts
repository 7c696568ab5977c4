/**
 * The generation queue in real Chromium with real IndexedDB (WASM): three jobs survive a reload in
 * the middle of the second (one cancelled, the others finished in the gallery, the cut one restarted
 * from its beginning), the title says when a job finishes in a hidden tab, "Generate 4" gives four
 * distinct seeds, waiting jobs move and retry from the keyboard, an uploaded image queued for
 * image-to-video survives a reload, and only one tab keeps the stored queue.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../cli/png';
import { fitClip } from '../../src/pipeline/fitFrames';
import { variationSeeds } from '../../src/queue/variationSeeds';
import { psnr } from '../fixtures/frameMetrics';
import { worldClip } from '../fixtures/worldClip';
import { chooseMode, fillForm, lastRawFrames, rgbToRgbaFrames } from './app';
import { useAppSession } from './appSession';
import { expectGalleryCount, galleryItems, openAppIn, waitForModel } from './pwaApp';

const FIRST = 'a red circle moving left on a blue background';
const SECOND = 'a green square moving up on a yellow background';
const THIRD = 'a blue triangle moving right on a red background';
/** Long enough that the reload lands mid-run whatever the machine's load (0.1–0.5 s a step here: 12–60 s a run). */
const LONG_STEPS = 120;
/** Long enough to move and cancel while it runs, short enough to run again on retry. */
const MEDIUM_STEPS = 80;

function queueRows(page: Page): Locator {
  return page.getByRole('region', { name: 'Queue' }).getByRole('listitem');
}

function row(page: Page, prompt: string): Locator {
  return queueRows(page).filter({ hasText: prompt });
}

async function statusOf(page: Page, prompt: string): Promise<string> {
  return (await row(page, prompt).getByTestId('queue-job-status').textContent()) ?? '';
}

async function waitForStatus(page: Page, prompt: string, pattern: RegExp, timeout = 180_000): Promise<void> {
  await expect.poll(() => statusOf(page, prompt), { timeout, interval: 100 }).toMatch(pattern);
}

async function queueJob(page: Page, prompt: string, steps: number, seed: number): Promise<void> {
  await fillForm(page, { prompt, frames: 9, steps, seed });
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await row(page, prompt).waitFor({ timeout: 10_000 });
}

/** Makes the page believe its tab is hidden (or shown again), as switching tabs does. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (value ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

describe('queue', () => {
  const app = useAppSession();
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const dir = mkdtempSync(join(tmpdir(), 'tessera-queue-e2e-'));

  beforeAll(async () => {
    context = await app.browser.newContext();
    ({ page, errors } = await openAppIn(context, app.url));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a reload in the middle of the second of three jobs: one cancelled, the others finished in the gallery', async () => {
    await expectGalleryCount(page, 0);
    // The form stays usable while jobs run: all three are queued at once.
    await queueJob(page, FIRST, 2, 21);
    await queueJob(page, SECOND, LONG_STEPS, 22);
    await queueJob(page, THIRD, 2, 23);
    expect(await queueRows(page).count()).toBe(3);
    await row(page, THIRD).getByRole('button', { name: /^Cancel “a blue triangle/ }).click();
    await waitForStatus(page, THIRD, /^Cancelled$/);

    // "Done" means kept: the moment the first job reads done, the gallery lists it.
    await waitForStatus(page, FIRST, /^Done · saved in the gallery$/);
    expect(await galleryItems(page).count()).toBe(1);
    await waitForStatus(page, SECOND, new RegExp(`^Running · Step ([2-9]|[1-9]\\d) of ${LONG_STEPS}`), 60_000);

    await page.reload();
    await waitForModel(page);
    await expectGalleryCount(page, 1);
    expect(await queueRows(page).count()).toBe(3);
    expect(await statusOf(page, FIRST)).toBe('Done · saved in the gallery');
    expect(await statusOf(page, THIRD)).toBe('Cancelled');
    await expect.poll(() => row(page, SECOND).getByTestId('queue-job-interrupted').textContent(), { timeout: 30_000 }).toMatch(/Interrupted by a reload or a closed tab: (it restarts|restarted) from its beginning/);
    // Restarted from its beginning: it counts its steps up from the start again.
    await waitForStatus(page, SECOND, new RegExp(`^Running · Step ([1-9]|[1-4]\\d) of ${LONG_STEPS}`), 60_000);

    // Hidden while it finishes: the title says so, and comes back when the tab is seen again.
    const title = await page.title();
    await setHidden(page, true);
    await waitForStatus(page, SECOND, /^Done · saved in the gallery$/);
    expect(await page.title()).toBe(`Done: “${SECOND}” · seed 22 — ${title}`);
    await setHidden(page, false);
    expect(await page.title()).toBe(title);

    await expectGalleryCount(page, 2);
    const texts = await galleryItems(page).allTextContents();
    expect(texts[0]).toMatch(new RegExp(`${SECOND}.*Seed 22`));
    expect(texts[1]).toMatch(new RegExp(`${FIRST}.*Seed 21`));
    expect(texts.some((text) => text.includes(THIRD))).toBe(false);
    expect(await page.getByTestId('queue-summary').textContent()).toBe('Nothing running · 0 waiting · 3 finished');
    expect(errors).toEqual([]);
  });

  it('"Generate 4" queues four jobs of the same settings with four distinct seeds derived from the form’s seed', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await expect.poll(() => queueRows(page).count()).toBe(0);
    const prompt = 'a yellow circle moving down on a green background';
    await fillForm(page, { prompt, frames: 9, steps: 2, seed: 5 });
    expect(await page.getByText('Generate 4 queues 4 variations: the same settings with seeds derived from seed 5.').count()).toBe(1);
    await page.getByRole('button', { name: 'Generate 4', exact: true }).click();
    await expect.poll(() => queueRows(page).count()).toBe(4);
    const expected = variationSeeds(5, 4);
    expect(new Set(expected).size).toBe(4);
    const shown = (await queueRows(page).getByTestId('queue-job-seed').allTextContents()).map(Number);
    expect(shown).toEqual(expected);
    expect(await queueRows(page).nth(3).textContent()).toContain('variation 4 of 4 from seed 5');

    await expect.poll(() => page.getByTestId('queue-summary').textContent(), { timeout: 180_000 }).toBe('Nothing running · 0 waiting · 4 finished');
    await expectGalleryCount(page, 6);
    const seeds = (await galleryItems(page).filter({ hasText: prompt }).allTextContents()).map((text) => Number(/Seed (\d+)/.exec(text)?.[1]));
    expect(seeds.sort()).toEqual([...expected].sort());
    expect(errors).toEqual([]);
  });

  it('moves a waiting job up from the keyboard, runs it first, and retries a cancelled job', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await queueJob(page, FIRST, MEDIUM_STEPS, 31);
    await queueJob(page, SECOND, 2, 32);
    await queueJob(page, THIRD, 2, 33);
    const moveUp = row(page, THIRD).getByRole('button', { name: /^Move up “a blue triangle/ });
    await moveUp.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await queueRows(page).allTextContents()).map((text) => [FIRST, SECOND, THIRD].findIndex((p) => text.includes(p)))).toEqual([0, 2, 1]);
    // At the top of the waiting jobs it cannot go further up; the one below can.
    expect(await row(page, THIRD).getByRole('button', { name: /^Move up/ }).isDisabled()).toBe(true);
    expect(await row(page, SECOND).getByRole('button', { name: /^Move down/ }).isDisabled()).toBe(true);

    // The form's Cancel stops the running job; the moved job runs next.
    await waitForStatus(page, FIRST, /^Running · Step/, 60_000);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus(page, FIRST, /^Cancelled$/);
    await waitForStatus(page, THIRD, /^Done/);
    await waitForStatus(page, SECOND, /^Done/);
    const before = await galleryItems(page).count();

    await fillForm(page, { prompt: 'something else', steps: 2 });
    await row(page, FIRST).getByRole('button', { name: /^Retry “a red circle/ }).click();
    // A retry runs the job's own settings, from its beginning, whatever the form says now.
    await waitForStatus(page, FIRST, new RegExp(`^Running · Step \\d+ of ${MEDIUM_STEPS}`), 60_000);
    await waitForStatus(page, FIRST, /^Done · saved in the gallery$/);
    await expectGalleryCount(page, before + 1);
    expect(await galleryItems(page).first().textContent()).toMatch(new RegExp(`${FIRST}.*Seed 31`));
    expect(errors).toEqual([]);
  });

  it('keeps an uploaded image queued for image-to-video across a reload: its clip starts from that image', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    // A 16:9 world frame at 4× the model size (56×32), uploaded as a PNG.
    const image = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0] }, 56 * 4, 32 * 4, 1);
    const path = join(dir, 'start.png');
    writeFileSync(path, encodePng(56 * 4, 32 * 4, image.frames[0]!));
    await queueJob(page, SECOND, LONG_STEPS, 41);
    const animated = 'a red circle moving right on a blue background';
    await fillForm(page, { prompt: animated, aspect: '16:9', frames: 9, steps: 2, seed: 42 });
    await chooseMode(page, 'Image → video');
    await page.getByLabel('Image', { exact: true }).setInputFiles(path);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await waitForStatus(page, animated, /^Waiting/);
    await waitForStatus(page, SECOND, /^Running · Step/, 60_000);

    await page.reload();
    await waitForModel(page);
    // The upload is gone from the form (object URLs end with the page); the queued job kept its bytes.
    await row(page, SECOND).getByRole('button', { name: /^Cancel “a green square/ }).click();
    await waitForStatus(page, animated, /^Done · saved in the gallery$/);
    expect(await row(page, animated).textContent()).toContain('image-to-video');
    // The built-in tessera-tiny-2 decodes 16:9 at 224×128, the image's own size.
    const frames = rgbToRgbaFrames(await lastRawFrames(page), 224, 128);
    expect(frames).toHaveLength(9);
    const fitted = fitClip(image, { width: 224, height: 128 }).frames[0]!;
    const first = psnr(frames[0]!, fitted);
    console.info(`image-to-video queued before a reload, run after it: first frame ${first.toFixed(2)} dB to the image`);
    // The autoencoder's reconstruction floor (modes.e2e.test.ts): the image itself, not a blank source.
    expect(first).toBeGreaterThan(20);
    await chooseMode(page, 'Text');
    expect(errors).toEqual([]);
  });

  it('keeps the stored queue in one tab: a second tab says its jobs are not kept', async () => {
    const { page: second } = await openAppIn(context, app.url);
    await expect.poll(() => second.getByRole('region', { name: 'Queue' }).textContent(), { timeout: 10_000 }).toContain('Another Tessera tab keeps the queue');
    await second.close();
    expect(await page.getByRole('region', { name: 'Queue' }).textContent()).not.toContain('Another Tessera tab');
  });
});
