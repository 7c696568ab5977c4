/**
 * "Open pack folder" in the Models panel (production build, WASM, real IndexedDB): the built-in
 * pack's folder copied to disk under another name goes in through the folder input (the fallback of
 * the directory picker), every file verified, with no request for it; "Use this model" then
 * generates the same frames as onnxruntime-node on that folder. A folder with one byte changed is
 * refused naming the file and stays unusable; a folder whose manifest asks for a larger GPU buffer
 * than SwiftShader allows, or that misses a file, is refused before anything is stored. The tiny
 * synthetic Wan2.1 pack (converter output) goes in the same way, and the form then says the model
 * reads free text, with no caption preview and no expansion option, and generates with it.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, fillForm, generateAndWait, lastRawFrames, rgbaToRgb } from './app';
import { launchChromium } from './browser';
import { TINY_DIR, TINY_MANIFEST, within, type PackJson } from './cacheFixtures';
import { nodeVideo } from './nodePipeline';
import { openAppIn } from './pwaApp';
import { startPreview } from './server';
import { tinyWanPack } from '../fixtures/wan21/tinyPack';

const PROMPT = 'a red circle moving left on a blue background';
const SETTINGS = { prompt: PROMPT, aspect: '1:1', frames: 9, steps: 2, seed: 99 } as const;
/** Same pack, WASM vs onnxruntime-node: float rounding only (generate.e2e.test.ts measured max 1). */
const MAX_LEVELS = 2;
const VERSION = String(TINY_MANIFEST.version);

let root: string;
let browser: Browser;
let app: Awaited<ReturnType<typeof startPreview>>;
let context: BrowserContext;
let page: Page;
/** Page and worker errors and console errors of the whole session. */
let errors: string[];
const outsideRequests: string[] = [];

/** The built-in pack's folder copied to `root/folder`, its manifest's name set to `name` and then edited. */
function packFolder(folder: string, name: string, edit: (manifest: PackJson, dir: string) => void = () => undefined): string {
  const dir = join(root, folder);
  cpSync(TINY_DIR, dir, { recursive: true });
  const manifest = structuredClone(TINY_MANIFEST);
  manifest.name = name;
  edit(manifest, dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tessera-folders-'));
  [browser, app] = await Promise.all([launchChromium(), startPreview()]);
  context = await browser.newContext({ viewport: { width: 1200, height: 1400 } });
  context.on('request', (request) => {
    if (!request.url().startsWith(app.url) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) outsideRequests.push(request.url());
  });
  ({ page, errors } = await openAppIn(context, app.url));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const row = (name: string) => page.getByTestId(`pack-${name}`);
const folderInput = () => page.getByLabel('Pack folder', { exact: true });
const folderError = () => page.getByTestId('pack-folder-error');

/** Every key the weight cache holds for `pack` (its record, file records and chunks). */
function cacheKeys(pack: string): Promise<string[]> {
  return within(
    page.evaluate(async (name) => {
      const done = <T,>(request: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(request.error))));
      const db = await done(indexedDB.open('tessera-models'));
      const keys = (await done(db.transaction('packs').objectStore('packs').getAllKeys())).map(String);
      db.close();
      return keys.filter((k) => k === `pack/${name}` || k.startsWith(`file/${name}/`) || k.startsWith(`chunk/${name}/`));
    }, pack),
    15_000,
    'cacheKeys',
  );
}

describe('opening a pack folder from disk', () => {
  it('copies the folder into the cache with every file verified, and generates with it', async () => {
    const dir = packFolder('tessera-tiny-folder', 'tessera-tiny-folder');
    await folderInput().setInputFiles(dir);
    await expect.poll(() => row('tessera-tiny-folder').getAttribute('data-status').catch(() => null), { timeout: 60_000 }).toBe('complete');
    expect(outsideRequests).toEqual([]);
    const keys = await cacheKeys('tessera-tiny-folder');
    expect(keys.filter((k) => k.startsWith('file/')).sort()).toEqual(TINY_MANIFEST.files.map((f) => `file/tessera-tiny-folder/${f.path}`).sort());
    await page.screenshot({ path: 'test-results/models-panel-folder.png', fullPage: true }).catch(() => undefined);

    await page.getByRole('button', { name: `Use tessera-tiny-folder ${VERSION}`, exact: true }).click();
    await expect.poll(() => page.getByTestId('backend-badge').getAttribute('data-pack').catch(() => null), { timeout: 120_000 }).toBe('tessera-tiny-folder');
    await fillForm(page, SETTINGS);
    await generateAndWait(page);
    expect(await page.getByRole('region', { name: 'Result' }).textContent()).toContain('tessera-tiny-folder on WASM');
    const node = await nodeVideo({ prompt: PROMPT, seed: SETTINGS.seed, steps: SETTINGS.steps, aspect: '1:1', frames: 9, expandPrompt: true, mode: { kind: 'text' } }, dir);
    const difference = compareBytes(await lastRawFrames(page), rgbaToRgb(node.frames));
    console.info(`pack opened from a folder, in the browser: max ${difference.max} levels from onnxruntime-node on the folder`);
    expect(difference.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(outsideRequests).toEqual([]);
  });

  it('refuses a file whose bytes do not match its sha256, naming it, and leaves the pack unusable', async () => {
    const dir = packFolder('tessera-tiny-corrupt', 'tessera-tiny-corrupt');
    const decoder = readFileSync(join(dir, 'vae_decoder.onnx'));
    decoder[decoder.length - 100]! ^= 0xff;
    writeFileSync(join(dir, 'vae_decoder.onnx'), decoder);
    await folderInput().setInputFiles(dir);
    const error = row('tessera-tiny-corrupt').locator('.models-error');
    await expect.poll(async () => ((await error.count()) ? await error.textContent() : ''), { timeout: 60_000 }).toMatch(
      /^vae_decoder\.onnx in the folder "tessera-tiny-corrupt" does not match manifest\.json: its sha256 is [0-9a-f]{64} but manifest\.json says [0-9a-f]{64}\. The file is damaged or belongs to another version of the pack; "tessera-tiny-corrupt" cannot be used until a good copy of the folder is opened\.$/,
    );
    expect(await error.getAttribute('data-code')).toBe('integrity');
    console.info(`a changed byte: ${await error.textContent()}`);
    expect(await row('tessera-tiny-corrupt').getAttribute('data-status')).not.toBe('complete');
    expect(await page.getByRole('button', { name: `Use tessera-tiny-corrupt ${VERSION}`, exact: true }).isDisabled()).toBe(true);
    expect(await row('tessera-tiny-corrupt').locator('.models-use-why').textContent()).toBe('Open its folder again to finish copying it, then use it.');
    // No Resume: a folder pack has no address to download from.
    expect(await row('tessera-tiny-corrupt').getByRole('button', { name: /^Resume/ }).count()).toBe(0);
  });

  it('refuses a pack that needs a larger GPU buffer than this adapter allows before copying anything', async () => {
    const dir = packFolder('tessera-tiny-huge', 'tessera-tiny-huge', (m) => (m.requirements.largestBufferBytes = 2 * 1024 ** 3));
    await folderInput().setInputFiles(dir);
    await expect.poll(() => folderError().count(), { timeout: 30_000 }).toBe(1);
    const text = (await folderError().textContent()) ?? '';
    console.info(`a 2 GiB buffer on SwiftShader: ${text}`);
    expect(await folderError().getAttribute('data-code')).toBe('requirements');
    expect(text).toMatch(/^This model pack cannot run on this device\. Its largest weight buffer is 2\.15 GB but .+ allows at most 1\.07 GB per buffer/);
    expect(await row('tessera-tiny-huge').count()).toBe(0);
    expect(await cacheKeys('tessera-tiny-huge')).toEqual([]);
  });

  it('refuses a folder that misses a file its manifest lists before copying anything', async () => {
    const dir = packFolder('tessera-tiny-missing', 'tessera-tiny-missing');
    rmSync(join(dir, 'vae_encoder.onnx'));
    await folderInput().setInputFiles(dir);
    await expect.poll(async () => ((await folderError().count()) ? await folderError().textContent() : ''), { timeout: 30_000 }).toBe(
      `The folder "tessera-tiny-missing" does not hold the pack its manifest.json describes. vae_encoder.onnx is missing: manifest.json lists it (${TINY_MANIFEST.files
        .find((f) => f.path === 'vae_encoder.onnx')!
        .bytes.toLocaleString('en-US')} bytes (346 kB)).`,
    );
    expect(await folderError().getAttribute('data-code')).toBe('folder-mismatch');
    expect(await cacheKeys('tessera-tiny-missing')).toEqual([]);
  });

  it('cancels a copy from the pack row, keeps it unusable, and finishes it when the folder is opened again', async () => {
    // 256 MiB of external data (16 MiB chunk hashes) keeps the copy going for seconds, long enough to cancel.
    const dir = packFolder('tessera-tiny-big', 'tessera-tiny-big', (m, folder) => {
      const chunk = 16 * 1024 * 1024;
      const hashes: string[] = [];
      const whole = createHash('sha256');
      const bytes = Buffer.alloc(16 * chunk);
      for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
      for (let at = 0; at < bytes.length; at += chunk) hashes.push(createHash('sha256').update(bytes.subarray(at, at + chunk)).digest('hex'));
      whole.update(bytes);
      writeFileSync(join(folder, 'dit.onnx.data.big'), bytes);
      m.files.push({ role: 'externalData', of: 'dit', path: 'dit.onnx.data.big', bytes: bytes.length, sha256: whole.digest('hex'), chunks: { bytes: chunk, sha256: hashes } });
      m.requirements.totalBytes += bytes.length;
    });
    await folderInput().setInputFiles(dir);
    const cancel = page.getByRole('button', { name: `Cancel copying tessera-tiny-big ${VERSION}`, exact: true });
    await cancel.waitFor({ timeout: 60_000 });
    expect(await row('tessera-tiny-big').getByTestId('pack-status').textContent()).toBe('Copying');
    await cancel.click();
    const error = row('tessera-tiny-big').locator('.models-error');
    await expect.poll(async () => ((await error.count()) ? await error.textContent() : ''), { timeout: 60_000 }).toBe(
      'Copying "tessera-tiny-big" from the folder "tessera-tiny-big" was cancelled; the verified part is kept. Open the folder again to finish.',
    );
    expect(await row('tessera-tiny-big').getAttribute('data-status')).toBe('partial');
    expect(await row('tessera-tiny-big').locator('.models-use-why').textContent()).toBe('Open its folder again to finish copying it, then use it.');

    await folderInput().setInputFiles(dir);
    await expect.poll(() => row('tessera-tiny-big').getAttribute('data-status'), { timeout: 180_000 }).toBe('complete');
    expect(await error.count()).toBe(0);
    // Room for the next specs: a quarter of a gigabyte is not kept in this browser profile.
    await row('tessera-tiny-big').getByRole('button', { name: `Delete tessera-tiny-big ${VERSION}`, exact: true }).click();
    await row('tessera-tiny-big').getByRole('button', { name: `Confirm deleting tessera-tiny-big ${VERSION}`, exact: true }).click();
    await expect.poll(() => row('tessera-tiny-big').count(), { timeout: 30_000 }).toBe(0);
  });

  it('takes a drop on the Models panel, and refuses a dropped file with what to drop instead', async () => {
    await within(
      page.evaluate(() => {
        const panel = document.querySelector('[data-testid="models-panel"]')!;
        const transfer = new DataTransfer();
        transfer.items.add(new File(['{}'], 'manifest.json', { type: 'application/json' }));
        panel.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        panel.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }),
      15_000,
      'drop',
    );
    await expect.poll(async () => ((await folderError().count()) ? await folderError().textContent() : ''), { timeout: 15_000 }).toMatch(
      /^Could not open the folder: "manifest\.json" is a file: drop the pack's folder \(the one that holds manifest\.json\), not a file from it\.$/,
    );
    console.info(`a dropped file: ${await folderError().textContent()}`);
  });

  it('opens a Wan2.1 pack folder: the prompt is free text, with no caption preview or expansion, and it generates', async () => {
    const { pack } = tinyWanPack();
    const manifest = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as PackJson & { version: string };
    await folderInput().setInputFiles(pack);
    await expect.poll(() => row(manifest.name).getAttribute('data-status').catch(() => null), { timeout: 60_000 }).toBe('complete');
    await page.getByRole('button', { name: `Use ${manifest.name} ${manifest.version}`, exact: true }).click();
    await expect.poll(() => page.getByTestId('backend-badge').getAttribute('data-pack').catch(() => null), { timeout: 120_000 }).toBe(manifest.name);

    const prompt = 'a dog running on a beach at sunset';
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
    expect(await page.getByTestId('prompt-guide').textContent()).toBe(
      `Ctrl+Enter (⌘+Enter) generates. ${manifest.name} reads your prompt as free text, exactly as written: describe the subject, the setting and the motion in a sentence or two.`,
    );
    expect(await page.getByRole('textbox', { name: 'Prompt', exact: true }).getAttribute('placeholder')).toBe('a dog running on a beach at sunset');
    // Past the preview's debounce, still no caption: expansion never touches this prompt.
    await page.waitForTimeout(1000);
    expect(await page.getByTestId('expanded-prompt').count()).toBe(0);
    await page.getByText('Advanced', { exact: true }).click();
    expect(await page.getByRole('checkbox', { name: "Expand the prompt into the model's caption style" }).count()).toBe(0);
    expect(await page.locator('#no-expansion').textContent()).toBe(`The ${manifest.name} model offers no prompt expansion: it reads the prompt as written.`);

    await fillForm(page, { prompt, aspect: '1:1', frames: 5, steps: 2, seed: 3 });
    await generateAndWait(page);
    const result = (await page.getByRole('region', { name: 'Result' }).textContent()) ?? '';
    expect(result).toContain(`${manifest.name} on WASM`);
    expect(result).not.toMatch(/caption|expanded/i);
    const frames = await lastRawFrames(page);
    expect(frames.length).toBe(5 * 64 * 64 * 3);
    const node = await nodeVideo({ prompt, seed: 3, steps: 2, aspect: '1:1', frames: 5, mode: { kind: 'text' } }, pack);
    const difference = compareBytes(frames, rgbaToRgb(node.frames));
    console.info(`Wan2.1 tiny pack opened from a folder, in the browser: max ${difference.max} levels from onnxruntime-node on the folder`);
    expect(difference.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(outsideRequests).toEqual([]);
    expect(errors).toEqual([]);
  });
});
