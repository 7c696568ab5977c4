/**
 * Helpers for the installed-app specs (PWA, gallery, sharing): open the app in a given browser
 * context (so a spec can go offline, grant clipboard access or stub the Web Share API), and read
 * the gallery the way assistive technology does, as the list named "Gallery".
 */
import { createHash } from 'node:crypto';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { OpenedApp } from './app';

/** Opens the app (test hooks on, WASM unless told) in `context`; waits until the model is loaded. */
export async function openAppIn(context: BrowserContext, baseUrl: string, query = ''): Promise<OpenedApp> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const separator = query ? '&' : '';
  await page.goto(`${baseUrl}?testHooks=1&backend=wasm${separator}${query}`);
  await waitForModel(page);
  return { page, errors };
}

/** Waits until the engine has loaded the model (the backend badge shows); fails at once on an error. */
export async function waitForModel(page: Page): Promise<void> {
  await page.locator('[data-testid="backend-badge"], [role="alert"]').first().waitFor({ timeout: 120_000 });
  const alert = page.getByRole('alert');
  if (await alert.count()) throw new Error(`the model did not load: ${await alert.textContent()}`);
}

export function galleryItems(page: Page): Locator {
  return page.getByRole('list', { name: 'Gallery' }).getByRole('listitem');
}

/** Waits until the gallery lists exactly `count` clips (saving happens just after the result shows). */
export async function expectGalleryCount(page: Page, count: number): Promise<void> {
  await expect.poll(() => galleryItems(page).count(), { timeout: 15_000 }).toBe(count);
}

/** Waits until the page is controlled by the service worker (it claims the page on first install). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, null, { timeout: 60_000, polling: 200 });
}

/** SHA-256 of bytes, for comparing frames. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
