/**
 * The Content-Security-Policy in real Chromium (production build). The preview server sends the
 * app's headers; the app starts, generates on WASM and WebGPU, installs its service worker, saves to
 * the gallery, downloads and adds a pack by URL from another origin without one violation, in the
 * page or in any worker (violations are collected through `report-uri`, added to the policy for
 * this test only, because workers' violations reach neither the page's events nor its console). An
 * injected inline script is refused and reported, and after install the service worker serves the
 * policy itself, even from a host that sends no headers.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, fillForm, generateAndWait, openApp } from './app';
import { launchChromium } from './browser';
import { startCacheServer } from './cacheFixtures';
import { expectGalleryCount, galleryItems, openAppIn, waitForServiceWorker } from './pwaApp';
import { E2E_DIST_DIR, startPreview } from './server';
import { startBareStaticServer } from './server/bareStaticServer';
import { startCspReportCollector, type CspReportCollector } from './server/cspReportCollector';
import type { PackServer } from './server/packServer';
import { RESPONSE_HEADERS } from '../../src/pwa/responseHeaders';

const SETTINGS = { prompt: 'a red circle moving left on a blue background', aspect: '1:1', frames: 9, steps: 2, seed: 7 } as const;
const POLICY = RESPONSE_HEADERS['Content-Security-Policy']!;

/** Serves the build with the app's headers, the policy also naming `reportUri` for its violations. */
async function startReportingPreview(reportUri: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    preview: { port: 0, host: '127.0.0.1', headers: { 'Content-Security-Policy': `${POLICY}; report-uri ${reportUri}` } },
    logLevel: 'warn',
    build: { outDir: E2E_DIST_DIR },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not bind a TCP port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** Adds an inline script that would set `window.__inlineScriptRan`; resolves once it was added. */
function injectInlineScript(page: Page): Promise<void> {
  return page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineScriptRan = true;';
    document.head.append(script);
  });
}

function inlineScriptRan(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __inlineScriptRan?: boolean }).__inlineScriptRan === true);
}

describe('the Content-Security-Policy', () => {
  let reports: CspReportCollector;
  let app: Awaited<ReturnType<typeof startReportingPreview>>;
  let packs: PackServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const downloads = mkdtempSync(join(tmpdir(), 'tessera-csp-'));

  beforeAll(async () => {
    reports = await startCspReportCollector();
    [app, packs, browser] = await Promise.all([startReportingPreview(reports.url), startCacheServer(), launchChromium()]);
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1400 } });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), packs?.close(), reports?.close()]);
    rmSync(downloads, { recursive: true, force: true });
  });

  it('is sent with nosniff, no-referrer and COOP/COEP on the page, its scripts, workers, wasm and service worker', async () => {
    const server = await startPreview();
    try {
      const assets = readdirSync(join(E2E_DIST_DIR, 'assets'));
      const paths = ['', 'sw.js', ...['index-', 'engine.worker-', 'check.worker-', '.wasm'].map((part) => `assets/${assets.find((name) => name.includes(part))!}`)];
      for (const path of paths) {
        const response = await fetch(new URL(path, server.url));
        expect(response.status, path).toBe(200);
        for (const [name, value] of Object.entries(RESPONSE_HEADERS)) expect(response.headers.get(name), `${name} on /${path}`).toBe(value);
      }
    } finally {
      await server.close();
    }
  });

  it('lets the app start, generate on WASM, save to the gallery, download and install its service worker without a violation', async () => {
    ({ page, errors } = await openAppIn(context, app.url));
    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    await expectGalleryCount(page, 1);
    const thumbnail = galleryItems(page).first().locator('img');
    expect(await thumbnail.evaluate(async (img) => (await (img as HTMLImageElement).decode(), (img as HTMLImageElement).naturalWidth))).toBeGreaterThan(0);
    await download(page, /^Download MP4$/, join(downloads, 'clip.mp4'));
    expect(statSync(join(downloads, 'clip.mp4')).size).toBeGreaterThan(0);
    await waitForServiceWorker(page);
    expect(reports.violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('adds a pack by URL from another origin (http://localhost) without a violation', async () => {
    await page.getByLabel('Add model from URL').fill(`${packs.otherOrigin}/packs/chunked/`);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId('pack-tessera-chunked').getAttribute('data-status'), { timeout: 60_000 }).toBe('complete');
    expect(reports.violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('lets the app generate on WebGPU without a violation', async () => {
    const webgpu = await openApp(browser, app.url, { backend: 'webgpu' });
    try {
      await expect.poll(() => webgpu.page.getByTestId('backend-badge').getAttribute('data-backend')).toBe('webgpu');
      // One frame (a PNG) is enough to run every WebGPU graph; SwiftShader emulates the GPU slowly.
      await fillForm(webgpu.page, { ...SETTINGS, frames: 1 });
      await generateAndWait(webgpu.page);
      expect(reports.violations).toEqual([]);
      expect(webgpu.errors).toEqual([]);
    } finally {
      await webgpu.page.context().close();
    }
  });

  it('refuses an injected inline script, reports it, and the shared harness records it as an error', async () => {
    // (eval cannot be checked from here: DevTools' evaluate, which page.evaluate uses, is exempt from CSP.)
    await injectInlineScript(page);
    expect(await inlineScriptRan(page)).toBe(false);
    await expect.poll(() => reports.violations.length, { timeout: 15_000 }).toBe(1);
    expect(reports.violations).toEqual([{ documentUri: expect.stringContaining(app.url) as string, directive: 'script-src-elem', blockedUri: 'inline' }]);
    // openApp/openAppIn collect console errors and every spec expects none: a violation fails it.
    expect(errors.filter((error) => error.includes('Content Security Policy'))).toHaveLength(1);
  });

  it('is served by the service worker after install, even from a host that sends no headers', async () => {
    const bare = await startBareStaticServer(E2E_DIST_DIR);
    const offline = await browser.newContext();
    try {
      const first = await offline.newPage();
      const response = await first.goto(`${bare.url}?backend=wasm`);
      expect(response!.headers()['content-security-policy']).toBeUndefined();
      await waitForServiceWorker(first);
      const reloaded = await first.reload();
      expect(reloaded!.fromServiceWorker()).toBe(true);
      const headers = await reloaded!.allHeaders();
      for (const [name, value] of Object.entries(RESPONSE_HEADERS)) expect(headers[name.toLowerCase()], name).toBe(value);
      await injectInlineScript(first);
      expect(await inlineScriptRan(first)).toBe(false);
    } finally {
      await offline.close();
      await bare.close();
    }
  });
});
