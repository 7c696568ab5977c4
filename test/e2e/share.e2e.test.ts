/**
 * Sharing and restoring: Share falls back to a download plus a copied settings link where files
 * cannot be shared, and hands the MP4 itself to the Web Share API where they can; a settings link
 * fills the form without generating; opening or dropping a Tessera MP4/PNG restores its settings.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPngText } from '../../src/media/png';
import { evaluateWithin, fillForm, generateAndWait } from './app';
import { useAppSession } from './appSession';
import { expectGalleryCount, openAppIn } from './pwaApp';

const PROMPT = 'a blue triangle moving right on a yellow background';

/** Chromium on Linux has no file sharing anyway; this makes the fallback explicit wherever the suite runs. */
const NO_FILE_SHARING = `Object.defineProperty(Navigator.prototype, 'canShare', { configurable: true, value: () => false });`;

/** A Web Share API that accepts files and records what it was given. */
const RECORDING_SHARE = `
  Object.defineProperty(Navigator.prototype, 'canShare', { configurable: true, value: (data) => Array.isArray(data?.files) });
  Object.defineProperty(Navigator.prototype, 'share', { configurable: true, value: async (data) => {
    window.__shared = { title: data.title, files: data.files.map((f) => ({ name: f.name, type: f.type, size: f.size })) };
  } });`;

/** The form's values, read without opening "Advanced". */
async function formValues(page: Page) {
  return {
    prompt: await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue(),
    aspect: await page.getByRole('combobox', { name: 'Aspect ratio' }).inputValue(),
    frames: await page.getByRole('combobox', { name: 'Duration' }).inputValue(),
    steps: await page.locator('#steps').inputValue(),
    guidance: await page.locator('#guidance').inputValue(),
    fixedSeed: await page.locator('input[name="seed-mode"]').nth(1).isChecked(),
    seed: await page.locator('input[aria-label="Seed value"]').inputValue(),
  };
}

describe('sharing and restoring settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-share-'));
  const app = useAppSession();
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let link: string;
  let mp4Path: string;

  beforeAll(async () => {
    context = await app.browser.newContext({ acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await context.addInitScript(NO_FILE_SHARING);
    ({ page, errors } = await openAppIn(context, app.url));
  });

  it('falls back to downloading the MP4 and copying a settings link when files cannot be shared', async () => {
    await fillForm(page, { prompt: PROMPT, aspect: '9:16', frames: 9, steps: 3, guidance: 2.5, seed: 4242 });
    await generateAndWait(page);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Share' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.mp4$/);
    mp4Path = join(dir, download.suggestedFilename());
    await download.saveAs(mp4Path);
    expect(readFileSync(mp4Path).subarray(4, 8).toString('latin1')).toBe('ftyp');

    const notice = page.getByTestId('notice');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/Downloaded .+\.mp4 and copied a link to these settings/);
    link = await notice.getByRole('textbox', { name: 'Settings link' }).inputValue();
    expect(await evaluateWithin(page, () => navigator.clipboard.readText())).toBe(link);
    const params = Object.fromEntries(new URL(link).searchParams);
    expect(params).toMatchObject({ prompt: PROMPT, seed: '4242', aspect: '9:16', frames: '9', steps: '3', guidance: '2.5' });
    expect(errors).toEqual([]);
  });

  it('a settings link restores the form and does not generate', async () => {
    const fresh = await app.browser.newContext();
    try {
      const opened = await fresh.newPage();
      await opened.goto(link);
      await opened.getByTestId('backend-badge').waitFor({ timeout: 120_000 });
      expect(await formValues(opened)).toEqual({ prompt: PROMPT, aspect: '9:16', frames: '9', steps: '3', guidance: '2.5', fixedSeed: true, seed: '4242' });
      await opened.waitForTimeout(1_500);
      expect(await opened.getByRole('region', { name: 'Progress' }).count()).toBe(0);
      expect(await opened.getByTestId('result-seed').count()).toBe(0);
      await expectGalleryCount(opened, 0);
      expect(await opened.getByRole('button', { name: 'Generate', exact: true }).isEnabled()).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('opening a downloaded Tessera MP4 restores its settings into the form', async () => {
    const fresh = await app.browser.newContext();
    try {
      const { page: other } = await openAppIn(fresh, app.url);
      await fillForm(other, { prompt: 'something else', aspect: '1:1', steps: 7 });
      await other.locator('input[type="file"][aria-label^="Open a Tessera file"]').setInputFiles(mp4Path);
      const notice = other.getByTestId('notice');
      await notice.waitFor({ timeout: 10_000 });
      expect(await notice.textContent()).toMatch(/Settings restored from “.+\.mp4” \(seed 4242\)/);
      expect(await formValues(other)).toEqual({ prompt: PROMPT, aspect: '9:16', frames: '9', steps: '3', guidance: '2.5', fixedSeed: true, seed: '4242' });
      expect(await other.getByTestId('result-seed').count()).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('dropping a Tessera PNG on the page restores its settings', async () => {
    await fillForm(page, { prompt: 'a green square moving down on a red background', aspect: '16:9', frames: 1, steps: 2, guidance: 3, seed: 99 });
    await generateAndWait(page);
    await fillForm(page, { prompt: 'changed', aspect: '1:1', frames: 9, steps: 5, seed: 1 });
    await page.evaluate(async () => {
      const link = [...document.querySelectorAll('a')].find((a) => a.textContent === 'Download PNG')!;
      const file = new File([await (await fetch(link.href)).blob()], 'dropped.png', { type: 'image/png' });
      const data = new DataTransfer();
      data.items.add(file);
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true, bubbles: true }));
    });
    await page.getByTestId('notice').filter({ hasText: 'dropped.png' }).waitFor({ timeout: 10_000 });
    expect(await formValues(page)).toEqual({
      prompt: 'a green square moving down on a red background',
      aspect: '16:9',
      frames: '1',
      steps: '2',
      guidance: '3',
      fixedSeed: true,
      seed: '99',
    });
  });

  it('a file saved without its prompt keeps seed and settings but not the prompt', async () => {
    const secret = 'a purple circle moving left on a green background';
    await fillForm(page, { prompt: secret, aspect: '1:1', frames: 1, steps: 2, seed: 31 });
    const option = page.getByRole('checkbox', { name: /^Save the prompt in the file/ });
    await option.uncheck();
    await generateAndWait(page);
    const saved = await page.evaluate(async () => {
      const link = [...document.querySelectorAll('a')].find((a) => a.textContent === 'Download PNG')!;
      return { name: link.download, bytes: Array.from(new Uint8Array(await (await fetch(link.href)).arrayBuffer())) };
    });
    expect(saved.name).toBe('tessera-clip-31.png');
    const text = readPngText(Uint8Array.from(saved.bytes));
    expect(Object.values(text).join(' ')).not.toContain('purple');
    expect(JSON.parse(text.tessera ?? '{}')).toMatchObject({ generator: 'Tessera', seed: 31, settings: { steps: 2, aspect: '1:1', frames: 1 } });

    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('kept as typed');
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(bytes)], 'no-prompt.png', { type: 'image/png' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true, bubbles: true }));
    }, saved.bytes);
    const notice = page.getByTestId('notice').filter({ hasText: 'no-prompt.png' });
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toMatch(/does not carry its prompt/);
    expect(await formValues(page)).toMatchObject({ prompt: 'kept as typed', seed: '31', fixedSeed: true, frames: '1' });
    await option.check();
  });

  it('hands the MP4 itself to the Web Share API where files can be shared', async () => {
    const sharing = await app.browser.newContext();
    try {
      await sharing.addInitScript(RECORDING_SHARE);
      const { page: other } = await openAppIn(sharing, app.url);
      await fillForm(other, { prompt: PROMPT, aspect: '1:1', frames: 9, steps: 2, seed: 8 });
      await generateAndWait(other);
      let downloads = 0;
      other.on('download', () => downloads++);
      await other.getByRole('button', { name: 'Share' }).click();
      await other.waitForFunction(() => (window as unknown as { __shared?: unknown }).__shared !== undefined, null, { timeout: 10_000 });
      const shared = await other.evaluate(() => (window as unknown as { __shared: { title: string; files: { name: string; type: string; size: number }[] } }).__shared);
      const bytes = await other.evaluate(async () => (await (await fetch([...document.querySelectorAll('a')].find((a) => a.textContent === 'Download MP4')!.href)).blob()).size);
      expect(shared.title).toBe(PROMPT);
      expect(shared.files).toEqual([{ name: expect.stringMatching(/\.mp4$/), type: 'video/mp4', size: bytes }]);
      expect(downloads).toBe(0);
    } finally {
      await sharing.close();
    }
  });
});
