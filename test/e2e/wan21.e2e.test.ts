/**
 * The tiny synthetic wan2.1 pack (converter/wan → test/fixtures/wan21/tinyPack.ts) in real Chromium:
 * added by URL in the Models panel, chosen, and generating on WASM and on SwiftShader WebGPU; the
 * frames match onnxruntime-node's run of the same pack and seed within float rounding. The modes that
 * need a VAE encoder are offered as unavailable for this pack.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, fillForm, generateAndWait, lastRawFrames, rgbaToRgb } from './app';
import { launchChromium } from './browser';
import { nodeVideo } from './nodePipeline';
import { openAppIn, waitForModel } from './pwaApp';
import { startPreview } from './server';
import { startPackServer, type PackServer } from './server/packServer';
import { tinyWanPack } from '../fixtures/wan21/tinyPack';

/** 9 frames (3 latent frames: the decoder's step graph runs twice, its cache kept on the GPU between), 2 steps. */
const SETTINGS = { prompt: 'a dog running on a beach at sunset', aspect: '2:1', frames: 9, steps: 2, seed: 77 } as const;
const SIZE = { width: 64, height: 32 };
/** Same pack and seed on another backend: float rounding only, a level or two of 255 after the VAE. */
const MAX_LEVELS = 2;

let packDir: string;
let pack: { name: string; version: string };
let browser: Browser;
let app: Awaited<ReturnType<typeof startPreview>>;
let packs: PackServer;
let context: BrowserContext;
/** onnxruntime-node's frames for SETTINGS (RGB, the test hook's layout). */
let nodeFrames: Uint8Array;

beforeAll(async () => {
  packDir = tinyWanPack().pack;
  pack = JSON.parse(readFileSync(join(packDir, 'manifest.json'), 'utf8')) as { name: string; version: string };
  [browser, app, packs] = await Promise.all([launchChromium(), startPreview(), startPackServer({ roots: { '/wan/': dirname(packDir) } })]);
  context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  const node = await nodeVideo({ prompt: SETTINGS.prompt, seed: SETTINGS.seed, steps: SETTINGS.steps, aspect: SETTINGS.aspect, frames: SETTINGS.frames, mode: { kind: 'text' } }, packDir);
  nodeFrames = rgbaToRgb(node.frames);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.close(), packs?.close()]);
});

/** Waits for `name` to be the pack in use on `backend`; a fallback fails with the app's notice, which says why. */
async function expectInUse(page: Page, name: string, backend: string): Promise<void> {
  const badge = page.getByTestId('backend-badge');
  await expect
    .poll(async () => {
      const notice = page.getByTestId('notice');
      const inUse = await badge.getAttribute('data-pack').catch(() => null);
      return inUse === name || !(await notice.count()) ? inUse : `${inUse} (notice: ${await notice.textContent()})`;
    }, { timeout: 120_000 })
    .toBe(name);
  expect(await badge.getAttribute('data-backend')).toBe(backend);
}

describe('a wan2.1 pack in the browser', () => {
  it('is added by URL, chosen, says which modes it cannot do, and generates on WASM as onnxruntime-node does', async () => {
    const { page, errors } = await openAppIn(context, app.url);
    await page.getByLabel('Add model from URL').fill(`${packs.otherOrigin}/wan/pack/`);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId(`pack-${pack.name}`).getAttribute('data-status').catch(() => null), { timeout: 60_000 }).toBe('complete');
    await page.getByRole('button', { name: `Use ${pack.name} ${pack.version}`, exact: true }).click();
    await expectInUse(page, pack.name, 'wasm');

    // No VAE encoder in the pack: the modes that start from frames are offered as unavailable.
    const modes = page.getByRole('combobox', { name: 'Mode' }).locator('option');
    const disabled = await modes.evaluateAll((o) => o.filter((e) => (e as HTMLOptionElement).disabled).map((e) => e.textContent));
    expect(disabled).toEqual(['Image → video (not with this model)', 'Extend (not with this model)', 'Video → video (not with this model)', 'Connect (not with this model)']);

    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    expect(await page.getByRole('alert').count()).toBe(0);
    const frames = await lastRawFrames(page);
    expect(frames.length).toBe(SETTINGS.frames * SIZE.width * SIZE.height * 3);
    const diff = compareBytes(frames, nodeFrames);
    console.info(`wan2.1 tiny pack, WASM vs onnxruntime-node: max ${diff.max} levels, mean ${diff.mean.toFixed(4)}`);
    expect(diff.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(new Set(frames).size).toBeGreaterThan(8); // a picture, not a flat fill
    expect(errors).toEqual([]);
  });

  it('starts with the remembered pack from the cache and generates on SwiftShader WebGPU with the same frames', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.url}?testHooks=1&backend=webgpu`);
    await waitForModel(page);
    await expectInUse(page, pack.name, 'webgpu');
    await fillForm(page, SETTINGS);
    await generateAndWait(page, 600_000);
    expect(await page.getByRole('alert').count()).toBe(0);
    const diff = compareBytes(await lastRawFrames(page), nodeFrames);
    console.info(`wan2.1 tiny pack, WebGPU (SwiftShader) vs onnxruntime-node: max ${diff.max} levels, mean ${diff.mean.toFixed(4)}`);
    expect(diff.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(errors).toEqual([]);
  });
});
