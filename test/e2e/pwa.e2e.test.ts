/**
 * The installed app: installability (manifest, icons, a service worker controlling the page), an
 * offline start that still generates (cross-origin isolated, model from the IndexedDB cache), and a
 * new version that waits for the user's "Reload".
 *
 * Runs on its own copy of dist/ (it rewrites sw.js to publish a "new version"); the offline test
 * comes last because it stops the server.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillForm, generateAndWait } from './app';
import { launchChromium } from './browser';
import { expectGalleryCount, galleryItems, openAppIn, waitForModel, waitForServiceWorker } from './pwaApp';
import { E2E_DIST_DIR, startPreview } from './server';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

describe('installable, offline-capable app', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'tessera-pwa-'));
  let server: Awaited<ReturnType<typeof startPreview>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    cpSync(E2E_DIST_DIR, outDir, { recursive: true });
    server = await startPreview({ outDir });
    serverOpen = true;
    browser = await launchChromium();
    context = await browser.newContext();
    ({ page, errors } = await openAppIn(context, server.url));
  });
  let serverOpen = false;
  const closeServer = async () => {
    if (serverOpen) await server.close();
    serverOpen = false;
  };

  afterAll(async () => {
    await browser?.close();
    await closeServer();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('has an installable manifest, reachable icons (maskable too) and a service worker controlling the page', async () => {
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifestUrl = new URL(href!, server.url).href;
    const response = await page.request.get(manifestUrl);
    expect(response.ok()).toBe(true);
    const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestIcon[] };
    expect(manifest).toMatchObject({ name: 'Tessera', short_name: 'Tessera', display: 'standalone', start_url: './', scope: './' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toBe(manifest.theme_color);

    // Chromium's installability criteria: a 192 px and a 512 px PNG; plus a maskable icon for launchers.
    const sizes = manifest.icons.map((icon) => `${icon.sizes}/${icon.purpose ?? 'any'}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192/any', '512x512/any', '512x512/maskable']));
    for (const icon of manifest.icons) {
      const image = await page.request.get(new URL(icon.src, manifestUrl).href);
      expect(image.ok(), icon.src).toBe(true);
      expect(image.headers()['content-type']).toBe('image/png');
      const png = await image.body();
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(`${width}x${height}`).toBe(icon.sizes);
    }

    await waitForServiceWorker(page);
    const sw = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { scope: registration.scope, script: navigator.serviceWorker.controller?.scriptURL ?? null, isolated: self.crossOriginIsolated };
    });
    expect(sw).toEqual({ scope: server.url, script: new URL('sw.js', server.url).href, isolated: true });

    // The precache holds the app shell and onnxruntime's wasm, but no model files.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest', '/icons/maskable-512.png']));
    expect(cached.some((path) => /^\/assets\/ort-wasm.*\.wasm$/.test(path))).toBe(true);
    expect(cached.filter((path) => path.startsWith('/models/'))).toEqual([]);
  });

  it('shows "new version ready" and switches only after the user clicks Reload', async () => {
    await waitForServiceWorker(page);
    const firstWorker = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    await page.evaluate(() => ((window as unknown as { stillThisPage: boolean }).stillThisPage = true));

    appendFileSync(join(outDir, 'sw.js'), '\n// next version\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const notice = page.getByTestId('update-notice');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.textContent()).toMatch(/new version of Tessera is ready/);
    // Nothing changes without consent: same page, the old worker still in control, the new one waiting.
    expect(await page.evaluate(async () => ({
      same: (window as unknown as { stillThisPage?: boolean }).stillThisPage === true,
      waiting: (await navigator.serviceWorker.getRegistration())?.waiting !== null,
    }))).toEqual({ same: true, waiting: true });

    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), notice.getByRole('button', { name: 'Reload' }).click()]);
    await waitForModel(page);
    expect(await page.evaluate(async () => ({
      same: (window as unknown as { stillThisPage?: boolean }).stillThisPage === true,
      waiting: (await navigator.serviceWorker.getRegistration())?.waiting ?? null,
      controlled: navigator.serviceWorker.controller?.scriptURL ?? null,
    }))).toEqual({ same: false, waiting: null, controlled: firstWorker });
    expect(await page.getByTestId('update-notice').count()).toBe(0);
  });
  it('starts offline, still cross-origin isolated, generates a clip and keeps it in the gallery', async () => {
    await waitForServiceWorker(page);
    // Offline twice over: the browser's network emulation, and no server behind it either.
    await context.setOffline(true);
    await closeServer();
    try {
      const started = Date.now();
      const response = await page.reload();
      expect(response?.fromServiceWorker()).toBe(true);
      expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
      expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
      await waitForModel(page);
      console.info(`offline start: model ready ${((Date.now() - started) / 1000).toFixed(1)} s after reload`);
      expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
      expect(await page.getByTestId('backend-badge').textContent()).toMatch(/WASM · [2-9] threads/);

      const before = await galleryItems(page).count();
      await fillForm(page, { prompt: 'a green circle moving up on a black background', aspect: '1:1', frames: 9, steps: 2, seed: 5 });
      await generateAndWait(page);
      await expectGalleryCount(page, before + 1);
      expect(await galleryItems(page).first().textContent()).toContain('a green circle moving up');
    } finally {
      await context.setOffline(false);
    }
    expect(errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
  });
});
