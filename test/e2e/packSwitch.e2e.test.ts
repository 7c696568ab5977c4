/**
 * Using a pack added by URL (production build, WASM): "Use this model" loads the fp32 pack from the
 * cache without a request, the clip it makes is the fp32 pack's (onnxruntime-node on the same pack
 * agrees; the built-in tessera-tiny-2 decodes at 4× its size), the choice survives a reload and the built-in pack can be
 * chosen back. A damaged pack (a chunk zeroed in storage, same length) is refused as it is read,
 * with its own message, and the pack in use keeps working; a remembered pack that is broken at
 * start gives way to the built-in one with a notice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, fillForm, generateAndWait, lastRawFrames, rgbaToRgb } from './app';
import { launchChromium } from './browser';
import { BUILT_IN_PACK } from '../../src/state/packChoice';
import { BUILT_IN_MANIFEST, ROOT, startCacheServer, within } from './cacheFixtures';
import { nodeVideo } from './nodePipeline';
import { openAppIn, waitForModel } from './pwaApp';
import { startPreview } from './server';
import type { PackServer } from './server/packServer';

const FP32_DIR = join(ROOT, 'public/models/tessera-tiny-fp32');
const FP32 = JSON.parse(readFileSync(join(FP32_DIR, 'manifest.json'), 'utf8')) as { version: string; video: { fps: number; frameCounts: number[]; sizes: Record<string, { width: number; height: number }> } };
const PROMPT = 'a red circle moving left on a blue background';
const SETTINGS = { prompt: PROMPT, aspect: '1:1', frames: 9, steps: 2, seed: 1234 } as const;
/** Same pack, WASM vs onnxruntime-node: float rounding only (generate.e2e.test.ts measured max 1). */
const MAX_LEVELS = 2;
const USE_FP32 = `Use tessera-tiny-fp32 ${FP32.version}`;
const USE_BUILT_IN = `Use ${BUILT_IN_PACK} ${String(BUILT_IN_MANIFEST.version)}`;
const DIT_CHUNK = 'chunk/tessera-tiny-fp32/dit.onnx#0';
const REMEMBERED = 'tessera.modelPack';

let browser: Browser;
let app: Awaited<ReturnType<typeof startPreview>>;
let packs: PackServer;
let context: BrowserContext;
let page: Page;
const modelRequests: string[] = [];
/** The built-in (int8, tessera-tiny-2) pack's frames for SETTINGS. */
let int8Frames: Uint8Array;

beforeAll(async () => {
  [browser, app, packs] = await Promise.all([launchChromium(), startPreview(), startCacheServer()]);
  context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  context.on('request', (request: Request) => {
    if (request.url().includes('/models/')) modelRequests.push(new URL(request.url()).pathname);
  });
  ({ page } = await openAppIn(context, app.url));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([app?.close(), packs?.close()]);
});

const row = (name: string) => page.getByTestId(`pack-${name}`);
const badge = () => page.getByTestId('backend-badge');
const useButton = (name: string) => page.getByRole('button', { name, exact: true });

/** Waits until the badge names `pack` as the model in use (not while a switch is loading). */
async function expectInUse(pack: string): Promise<void> {
  await expect.poll(() => badge().getAttribute('data-pack').catch(() => null), { timeout: 120_000 }).toBe(pack);
  await expect.poll(() => row(pack).getByTestId('pack-in-use').count(), { timeout: 15_000 }).toBe(1);
}

/** Records every text the header's badge shows from now on (this page load only). */
async function recordBadge(): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { badgeTexts: string[] }).badgeTexts = seen;
    const header = document.querySelector('header')!;
    new MutationObserver(() => {
      const text = header.querySelector('.badge')?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(header, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { badgeTexts: string[] }).badgeTexts);
}

/** Damages one stored chunk of the weight cache in place: zeroed (same length) or gone. */
async function damageChunk(key: string, how: 'zero' | 'delete'): Promise<void> {
  await within(
    page.evaluate(
      async ([key, how]) => {
        const done = <T,>(request: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(request.error))));
        const db = await done(indexedDB.open('tessera-models'));
        const store = () => db.transaction('packs', 'readwrite').objectStore('packs');
        const value = (await done(store().get(key))) as Blob | ArrayBuffer | undefined;
        if (!value) throw new Error(`no chunk ${key} stored`);
        if (how === 'zero') await done(store().put(new ArrayBuffer(value instanceof Blob ? value.size : value.byteLength), key));
        else await done(store().delete(key));
        db.close();
      },
      [key, how] as const,
    ),
    15_000,
    'damageChunk',
  );
}

describe('choosing the model pack in the Models panel', () => {
  it('uses an added pack: loaded from the cache with progress, its own frames, kept across a reload, and the built-in pack chosen back', async () => {
    await expectInUse(BUILT_IN_PACK);
    expect(await badge().textContent()).toContain(`${BUILT_IN_PACK} ${String(BUILT_IN_MANIFEST.version)} (int8)`);
    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    int8Frames = await lastRawFrames(page);

    await page.getByLabel('Add model from URL').fill(`${packs.otherOrigin}/models/tessera-tiny-fp32/`);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => row('tessera-tiny-fp32').getAttribute('data-status').catch(() => null), { timeout: 60_000 }).toBe('complete');

    // Switch: read from IndexedDB (no model request), with the first load's progress in the header
    const badgeTexts = await recordBadge();
    modelRequests.length = 0;
    await useButton(USE_FP32).click();
    await expectInUse('tessera-tiny-fp32');
    expect(modelRequests).toEqual([]);
    const seen = await badgeTexts();
    expect(seen.some((t) => /^Switching to tessera-tiny-fp32: Loading \S+ \(/.test(t))).toBe(true);
    expect(seen.at(-1)).toBe(await badge().textContent());
    expect(seen.at(-1)).toMatch(/^WASM · \d threads? · tessera-tiny-fp32 /);
    expect(seen.at(-1)).toContain(`tessera-tiny-fp32 ${FP32.version} (fp32)`);
    expect(await page.getByTestId('models-active').textContent()).toBe(`In use: tessera-tiny-fp32 ${FP32.version} (fp32)`);
    expect(await page.getByTestId('notice').textContent()).toContain(`Now using tessera-tiny-fp32 ${FP32.version} (fp32).`);
    expect(await useButton(USE_BUILT_IN).isEnabled()).toBe(true);
    await page.screenshot({ path: 'test-results/models-panel-switched.png', fullPage: true }).catch(() => undefined);
    // The form offers what the fp32 manifest lists.
    const durations = await page.getByRole('combobox', { name: 'Duration' }).locator('option').evaluateAll((o) => o.map((e) => Number((e as HTMLOptionElement).value)));
    expect(durations).toEqual(FP32.video.frameCounts);
    const aspects = await page.getByRole('combobox', { name: 'Aspect ratio' }).locator('option').evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value));
    expect(aspects).toEqual(Object.keys(FP32.video.sizes));

    // The clip is the fp32 pack's: onnxruntime-node on that pack agrees, the int8 pack's clip does not
    await generateAndWait(page);
    expect(await page.getByRole('region', { name: 'Result' }).textContent()).toContain('tessera-tiny-fp32 on WASM');
    const fp32Frames = await lastRawFrames(page);
    const node = await nodeVideo({ prompt: PROMPT, seed: SETTINGS.seed, steps: SETTINGS.steps, aspect: '1:1', frames: 9, expandPrompt: true, mode: { kind: 'text' } }, FP32_DIR);
    const vsNode = compareBytes(fp32Frames, rgbaToRgb(node.frames));
    console.info(`fp32 pack in the browser: max ${vsNode.max} levels from onnxruntime-node fp32; the built-in's clip has ${int8Frames.length} bytes, this one ${fp32Frames.length}`);
    expect(vsNode.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(int8Frames.length).toBe(16 * fp32Frames.length);

    // Kept across a reload, from the cache again
    modelRequests.length = 0;
    await page.reload();
    await waitForModel(page);
    await expectInUse('tessera-tiny-fp32');
    expect(modelRequests.filter((r) => r.includes('tessera-tiny-fp32'))).toEqual([]);
    expect(await page.evaluate((key) => localStorage.getItem(key), REMEMBERED)).toBe('tessera-tiny-fp32');

    // Not while a generation runs: disabled with the reason, enabled again once it stops
    await fillForm(page, { ...SETTINGS, steps: 200 });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const back = useButton(USE_BUILT_IN);
    await expect.poll(() => back.isDisabled()).toBe(true);
    expect(await page.locator(`#${await back.getAttribute('aria-describedby')}`).textContent()).toBe('Wait for the generation to finish (or cancel it) to switch models.');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => back.isEnabled()).toBe(true);

    // The built-in pack chosen back gives the built-in pack's frames, and stays chosen
    await back.click();
    await expectInUse(BUILT_IN_PACK);
    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    expect(compareBytes(await lastRawFrames(page), int8Frames).max).toBeLessThanOrEqual(MAX_LEVELS);
    await page.reload();
    await waitForModel(page);
    await expectInUse(BUILT_IN_PACK);
    expect(await page.evaluate((key) => localStorage.getItem(key), REMEMBERED)).toBeNull();
  });

  it('shows why a damaged pack cannot be used and keeps the pack in use working', async () => {
    await damageChunk(DIT_CHUNK, 'zero');
    await useButton(USE_FP32).click();
    const error = row('tessera-tiny-fp32').getByTestId('switch-error');
    await expect.poll(async () => ((await error.count()) ? await error.textContent() : ''), { timeout: 120_000 }).toMatch(
      /^Could not switch to this model: Chunk 0 of dit\.onnx in model pack "tessera-tiny-fp32" is damaged in storage \(its bytes no longer match the sha256 they were stored with\); press Resume to fetch it again\. tessera-tiny-2 is still in use\.$/,
    );
    expect(await error.getAttribute('data-code')).toBe('model-unavailable');
    console.info(`switch to a zeroed dit.onnx: ${await error.textContent()}`);
    await page.screenshot({ path: 'test-results/models-panel-switch-error.png', fullPage: true }).catch(() => undefined);
    await expectInUse(BUILT_IN_PACK);
    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    expect(compareBytes(await lastRawFrames(page), int8Frames).max).toBeLessThanOrEqual(MAX_LEVELS);

    // The read marked the pack damaged (Verify agrees); it cannot be chosen until Resume fetches it again
    await expect.poll(() => row('tessera-tiny-fp32').getAttribute('data-status'), { timeout: 15_000 }).toBe('corrupt');
    await row('tessera-tiny-fp32').getByRole('button', { name: /^Verify tessera-tiny-fp32/ }).click();
    await expect.poll(() => row('tessera-tiny-fp32').getAttribute('data-status'), { timeout: 30_000 }).toBe('corrupt');
    expect(await useButton(USE_FP32).isDisabled()).toBe(true);
    expect(await row('tessera-tiny-fp32').locator('.models-use-why').textContent()).toBe('This pack is damaged: press Verify, then Resume, to use it.');
    await row('tessera-tiny-fp32').getByRole('button', { name: /^Resume tessera-tiny-fp32/ }).click();
    await expect.poll(() => row('tessera-tiny-fp32').getAttribute('data-status'), { timeout: 60_000 }).toBe('complete');
    expect(await useButton(USE_FP32).isEnabled()).toBe(true);
  });

  it('falls back to the built-in pack with a notice when the remembered pack is broken at start', async () => {
    await useButton(USE_FP32).click();
    await expectInUse('tessera-tiny-fp32');

    // The pack still looks complete, but a chunk is gone: the engine fails on it and loads the built-in one
    await damageChunk(DIT_CHUNK, 'delete');
    await page.reload();
    await waitForModel(page);
    await expectInUse(BUILT_IN_PACK);
    expect(await page.getByTestId('notice').textContent()).toContain(
      'The model you chose, “tessera-tiny-fp32”, could not be loaded (Chunk 0 of dit.onnx in model pack "tessera-tiny-fp32" is missing from storage; press Resume to fetch it again). Tessera is using the built-in model instead.',
    );
    expect(await page.evaluate((key) => localStorage.getItem(key), REMEMBERED)).toBeNull();
    await expect.poll(() => row('tessera-tiny-fp32').getAttribute('data-status'), { timeout: 15_000 }).toBe('corrupt');

    // Remembered but known damaged: the built-in pack at once, no attempt on the damaged one
    await page.evaluate((key) => localStorage.setItem(key, 'tessera-tiny-fp32'), REMEMBERED);
    await page.reload();
    await waitForModel(page);
    await expectInUse(BUILT_IN_PACK);
    expect(await page.getByTestId('notice').textContent()).toContain(
      'The model you chose, “tessera-tiny-fp32”, is damaged; press Verify, then Resume, on it in Models. Tessera is using the built-in model instead.',
    );
    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    expect(compareBytes(await lastRawFrames(page), int8Frames).max).toBeLessThanOrEqual(MAX_LEVELS);
  });
});
