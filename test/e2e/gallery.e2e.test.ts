/**
 * The gallery in real Chromium with real IndexedDB: every result kept with its thumbnail, across a
 * reload; play; delete and undo; "Generate again" gives the same frames; a phone in portrait.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillForm, generateAndWait, lastRawFrames, waitForNewResult } from './app';
import { useAppSession } from './appSession';
import { expectGalleryCount, galleryItems, openAppIn, sha256, waitForModel } from './pwaApp';

const CLIP = 'a red circle moving left on a blue background';
const IMAGE = 'a yellow square on a purple background';

describe('gallery', () => {
  const app = useAppSession();
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let clipFrames: Uint8Array;

  beforeAll(async () => {
    context = await app.browser.newContext();
    ({ page, errors } = await openAppIn(context, app.url));
  });

  it('keeps every clip and image with a thumbnail, its settings and the storage used, across a reload', async () => {
    await expectGalleryCount(page, 0);
    await fillForm(page, { prompt: CLIP, aspect: '1:1', frames: 9, steps: 2, seed: 11 });
    await generateAndWait(page);
    clipFrames = await lastRawFrames(page);
    await expectGalleryCount(page, 1);
    await fillForm(page, { prompt: IMAGE, aspect: '16:9', frames: 1, steps: 2, seed: 12 });
    await generateAndWait(page);
    await expectGalleryCount(page, 2);
    expect(await page.getByTestId('gallery-usage').textContent()).toMatch(/^2 clips · \d+(\.\d+)? (kB|MB) on this device$/);

    await page.reload();
    await waitForModel(page);
    await expectGalleryCount(page, 2);
    const items = galleryItems(page);
    expect(await items.nth(0).textContent()).toMatch(new RegExp(`Image.*${IMAGE}.*Seed 12`));
    expect(await items.nth(1).textContent()).toMatch(new RegExp(`1\\.1 s.*${CLIP}.*Seed 11`));
    // Thumbnails decode: the clip's middle frame (128×128) and the image itself (224×128).
    const sizes = await items.locator('img').evaluateAll(async (images) =>
      Promise.all(images.map(async (img) => (await (img as HTMLImageElement).decode(), `${(img as HTMLImageElement).naturalWidth}x${(img as HTMLImageElement).naturalHeight}`))),
    );
    expect(sizes).toEqual(['224x128', '128x128']);
  });

  it('plays a stored clip in the result panel', async () => {
    expect(await page.getByTestId('result-seed').count()).toBe(0);
    await galleryItems(page).filter({ hasText: CLIP }).getByRole('button', { name: /^Play/ }).click();
    await page.getByTestId('result-seed').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('result-seed').textContent()).toBe('11');
    const video = page.getByRole('region', { name: 'Result' }).locator('video');
    await expect.poll(() => video.evaluate((v) => `${(v as HTMLVideoElement).videoWidth}x${(v as HTMLVideoElement).videoHeight}`), { timeout: 10_000 }).toBe('128x128');
    expect(await galleryItems(page).filter({ hasText: CLIP }).getAttribute('aria-current')).toBe('true');
  });

  it('deletes a clip, brings it back with Undo, and a delete without undo survives a reload', async () => {
    await galleryItems(page).filter({ hasText: IMAGE }).getByRole('button', { name: /^Delete/ }).click();
    await expectGalleryCount(page, 1);
    const undo = page.getByRole('status').filter({ hasText: `Deleted “${IMAGE}”` });
    await undo.getByRole('button', { name: 'Undo' }).click();
    await expectGalleryCount(page, 2);
    expect(await galleryItems(page).nth(0).textContent()).toContain(IMAGE);

    await galleryItems(page).filter({ hasText: IMAGE }).getByRole('button', { name: /^Delete/ }).click();
    await expectGalleryCount(page, 1);
    await page.reload();
    await waitForModel(page);
    await expectGalleryCount(page, 1);
    expect(await galleryItems(page).first().textContent()).toContain(CLIP);
  });

  it('"Generate again" uses the same settings and seed and reproduces the same frames', async () => {
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('something else entirely');
    await galleryItems(page).filter({ hasText: CLIP }).getByRole('button', { name: /^Generate again/ }).click();
    await waitForNewResult(page, null);
    const again = await lastRawFrames(page);
    expect(again.length).toBe(9 * 128 * 128 * 3); // the built-in tessera-tiny-2 decodes 1:1 at 128×128
    expect(sha256(again)).toBe(sha256(clipFrames));
    expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(CLIP);
    // "Advanced" is folded after the reload: read the fields without opening it.
    expect(await page.locator('input[aria-label="Seed value"]').inputValue()).toBe('11');
    expect(await page.locator('input[name="seed-mode"]').nth(1).isChecked()).toBe(true);
    await expectGalleryCount(page, 2);
    expect(errors).toEqual([]);
  });

  it('fills a phone screen in portrait with a 9:16 clip and never scrolls sideways', async () => {
    const phone = await app.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    try {
      const { page: mobile } = await openAppIn(phone, app.url);
      await fillForm(mobile, { prompt: CLIP, aspect: '9:16', frames: 9, steps: 2, seed: 3 });
      await generateAndWait(mobile);
      const video = mobile.getByRole('region', { name: 'Result' }).locator('video');
      await expect.poll(() => video.evaluate((v) => (v as HTMLVideoElement).videoHeight), { timeout: 10_000 }).toBe(224);
      await video.scrollIntoViewIfNeeded();
      const layout = await mobile.evaluate(() => {
        const box = document.querySelector('.result video')!.getBoundingClientRect();
        return { width: box.width, height: box.height, viewportWidth: innerWidth, viewportHeight: innerHeight, scrollWidth: document.documentElement.scrollWidth };
      });
      expect(layout.width).toBeGreaterThan(layout.viewportWidth * 0.85);
      expect(layout.height).toBeLessThanOrEqual(layout.viewportHeight);
      expect(layout.height / layout.width).toBeCloseTo(224 / 128, 1);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewportWidth);
      await expectGalleryCount(mobile, 1);
    } finally {
      await phone.close();
    }
  });
});
