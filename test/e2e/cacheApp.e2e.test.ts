/**
 * The weight cache inside the real app (production build): the engine installs the built-in pack
 * from the app's origin once, a second visit with the network offline loads it from IndexedDB
 * without a single model request, and the Models panel adds, pauses, resumes, verifies and deletes
 * packs with progress and clear errors.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { BUILT_IN_PACK } from '../../src/state/packChoice';
import { BUILT_IN_MANIFEST, BUILT_IN_SIZE_TEXT, startCacheServer, TINY_MANIFEST, TINY_SIZE_PATTERN, TINY_SIZE_TEXT } from './cacheFixtures';
import { waitForModel, waitForServiceWorker } from './pwaApp';
import { startPreview } from './server';
import type { PackServer } from './server/packServer';

let browser: Browser;
let app: Awaited<ReturnType<typeof startPreview>>;
let packs: PackServer;
let context: BrowserContext;
let page: Page;
const modelRequests: string[] = [];

beforeAll(async () => {
  [browser, app, packs] = await Promise.all([launchChromium(), startPreview(), startCacheServer()]);
  context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  // Workers' requests included: every model file request the app makes, wherever it comes from.
  context.on('request', (request: Request) => {
    if (request.url().includes('/models/')) modelRequests.push(`${new URL(request.url()).pathname} ${request.headers()['range'] ?? ''}`.trim());
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.close(), packs?.close()]);
});

function packRow(name: string) {
  return page.getByTestId(`pack-${name}`);
}

describe('the weight cache in the app', () => {
  it('installs the built-in pack from its own origin on the first visit and shows it complete in the Models panel', async () => {
    await page.goto(`${app.url}?backend=wasm`);
    await waitForModel(page);
    expect(modelRequests.filter((r) => r.endsWith('.onnx'))).toHaveLength(0);
    const files = modelRequests.filter((r) => r.includes('.onnx '));
    expect(files.map((r) => r.split(' ')[0])).toEqual(BUILT_IN_MANIFEST.files.map((f) => `/models/${BUILT_IN_PACK}/${f.path}`));
    expect(files.every((r) => / bytes=0-\d+$/.test(r))).toBe(true);
    const row = packRow(BUILT_IN_PACK);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('complete');
    expect(await row.getByTestId('pack-status').textContent()).toBe('Complete');
    expect(await row.textContent()).toContain(BUILT_IN_SIZE_TEXT);
  });

  it('loads the built-in pack from IndexedDB on a second visit with the network offline, without one model request', async () => {
    await waitForServiceWorker(page);
    modelRequests.length = 0;
    await context.setOffline(true);
    try {
      await page.reload();
      await waitForModel(page);
      expect(await page.getByTestId('backend-badge').textContent()).toContain(BUILT_IN_PACK);
      await expect.poll(() => packRow(BUILT_IN_PACK).getAttribute('data-status'), { timeout: 15_000 }).toBe('complete');
    } finally {
      await context.setOffline(false);
    }
    // The manifest was tried (to notice a new version) and failed offline; no model file was fetched.
    expect(modelRequests.filter((r) => r.includes('.onnx'))).toEqual([]);
  });

  it('adds a pack from another origin by URL with a progress bar showing bytes, speed and ETA; pause and resume', async () => {
    packs.reset();
    packs.setFaults([{ path: 'dit.onnx', throttle: 300_000 }]);
    await page.getByLabel('Add model from URL').fill(`${packs.otherOrigin}/packs/chunked/`);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = packRow('tessera-chunked');
    const text = row.getByTestId('download-text');
    await expect.poll(async () => (await text.count()) > 0 && /dit\.onnx/.test((await text.textContent()) ?? ''), { timeout: 30_000 }).toBe(true);
    await expect.poll(async () => (await text.textContent()) ?? '', { timeout: 15_000 }).toMatch(new RegExp(`^Downloading dit\\.onnx: [\\d.]+ [kM]?B of ${TINY_SIZE_PATTERN} · [\\d.]+ [kM]?B/s · (\\d+ min )?\\d+ s left$`));
    const bar = row.getByRole('progressbar', { name: 'Download of tessera-chunked' });
    const first = Number(await bar.getAttribute('value'));
    await page.screenshot({ path: 'test-results/models-panel-downloading.png', fullPage: true }).catch(() => undefined);

    await row.getByRole('button', { name: /^Pause tessera-chunked/ }).click();
    const paused = row.locator('.models-error');
    await expect.poll(async () => ((await paused.count()) ? await paused.textContent() : ''), { timeout: 15_000 }).toMatch(/paused; press Resume/);
    expect(await row.getAttribute('data-status')).toBe('partial');
    expect(await row.getByTestId('pack-status').textContent()).toMatch(new RegExp(`^Partial — [\\d.]+ [kM]B of ${TINY_SIZE_PATTERN}$`));

    packs.setFaults([]);
    const requestsBefore = packs.log.length;
    await row.getByRole('button', { name: /^Resume tessera-chunked/ }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('complete');
    const resumed = packs.log.slice(requestsBefore).filter((r) => r.path.endsWith('dit.onnx'));
    expect(resumed[0]!.start).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(0);
  });

  it('verifies and deletes a pack from the panel', async () => {
    const row = packRow('tessera-chunked');
    await row.getByRole('button', { name: /^Verify tessera-chunked/ }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('complete');
    await row.getByRole('button', { name: /^Delete tessera-chunked/ }).click();
    await row.getByRole('button', { name: /^Confirm deleting tessera-chunked/ }).click();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    expect(await packRow(BUILT_IN_PACK).count()).toBe(1);
  });

  it('moves a visitor whose cache holds tessera-tiny (the built-in pack before 2.0.0) to tessera-tiny-2, fetching its files once, and keeps tessera-tiny listed, usable and deletable', async () => {
    const before = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
    const requests: string[] = [];
    before.on('request', (request: Request) => {
      if (request.url().includes('.onnx')) requests.push(new URL(request.url()).pathname);
    });
    try {
      const tab = await before.newPage();
      await tab.goto(`${app.url}?backend=wasm&pack=tessera-tiny`);
      await waitForModel(tab);
      expect(requests).toEqual(TINY_MANIFEST.files.map((f) => `/models/tessera-tiny/${f.path}`));
      requests.length = 0;
      await tab.goto(`${app.url}?backend=wasm`);
      await waitForModel(tab);
      expect(await tab.getByTestId('backend-badge').textContent()).toContain(BUILT_IN_PACK);
      // The cache keys files by pack and path, not by content: tessera-tiny-2's text encoder, DiT and
      // encoder are fetched again although tessera-tiny's identical bytes are stored (docs/model-pack.md).
      expect(requests).toEqual(BUILT_IN_MANIFEST.files.map((f) => `/models/${BUILT_IN_PACK}/${f.path}`));
      const old = tab.getByTestId('pack-tessera-tiny');
      expect(await old.getAttribute('data-status')).toBe('complete');
      // Still usable: "Use this model" loads it from the cache, without a request; then back to the built-in pack.
      const inUse = async (pack: string) => {
        await expect.poll(() => tab.getByTestId('backend-badge').getAttribute('data-pack').catch(() => null), { timeout: 120_000 }).toBe(pack);
        await expect.poll(() => tab.getByTestId(`pack-${pack}`).getByTestId('pack-in-use').count(), { timeout: 15_000 }).toBe(1);
      };
      requests.length = 0;
      await tab.getByRole('button', { name: `Use tessera-tiny ${String(TINY_MANIFEST.version)}`, exact: true }).click();
      await inUse('tessera-tiny');
      expect(requests).toEqual([]);
      await tab.getByRole('button', { name: `Use ${BUILT_IN_PACK} ${String(BUILT_IN_MANIFEST.version)}`, exact: true }).click();
      await inUse(BUILT_IN_PACK);
      await old.getByRole('button', { name: /^Delete tessera-tiny / }).click();
      await old.getByRole('button', { name: /^Confirm deleting tessera-tiny / }).click();
      await expect.poll(() => old.count(), { timeout: 15_000 }).toBe(0);
      expect(await tab.getByTestId(`pack-${BUILT_IN_PACK}`).getAttribute('data-status')).toBe('complete');
    } finally {
      await before.close();
    }
  });

  it.each([
    ['a server without CORS', () => `${packs.otherOrigin}/packs/chunked/manifest.json?nocors=1`, /CORS.*Access-Control-Allow-Origin/s],
    ['a web page instead of a manifest', () => `${packs.otherOrigin}/packs/not-a-pack/manifest.json`, /not JSON \(it looks like an HTML page\)/],
    ['a pack this GPU cannot run', () => `${packs.otherOrigin}/packs/f16/`, /cannot run on this device.*shader-f16/s],
    ['a path escaping the pack', () => `${packs.otherOrigin}/packs/escape/`, /files\[1\]\.path.*relative path inside the pack/s],
    ['a non-http URL', () => 'ftp://example.com/pack/manifest.json', /Only http:\/\/ and https:\/\//],
  ])('explains %s next to the URL field and installs nothing', async (_what, url, message) => {
    const before = await page.locator('.models-pack').count();
    await page.getByLabel('Add model from URL').fill(url());
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const error = page.locator('#model-url-error');
    await expect.poll(async () => ((await error.count()) ? await error.textContent() : ''), { timeout: 15_000 }).toMatch(message);
    expect(await page.locator('.models-pack').count()).toBe(before);
  });
});
