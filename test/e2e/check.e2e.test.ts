/**
 * "Check a video" in real Chromium against the production build: an MP4 and a PNG the app generated
 * and the user downloaded are found to carry Tessera's watermark and metadata; a clip and an image made by
 * ffmpeg's test source are not; a broken file gets a plain message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, fillForm, generateAndWait, openApp } from './app';
import { useAppSession } from './appSession';

// A mid-tone background: this test is about the panel's decode → detect → report path (near-black
// frames, where the mark needs its headroom, are tested in test/unit/safety.watermarkHeadroom.test.ts).
const PROMPT = 'a blue circle moving left on a orange background';
const SEED = 4321;
/** A check takes well under a second of detection; decoding in SwiftShader Chromium on a busy machine is the slow part. */
const CHECK_TIMEOUT_MS = 60_000;

describe('Check a video', () => {
  const app = useAppSession();
  let page: Page;
  let errors: string[];
  const dir = mkdtempSync(join(tmpdir(), 'tessera-check-e2e-'));

  beforeAll(async () => {
    ({ page, errors } = await openApp(app.browser, app.url, { backend: 'wasm' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const panel = () => page.getByRole('region', { name: 'Check a video' });
  const result = () => panel().getByTestId('check-result');
  /** Waits until the panel shows a verdict for `fileName`. */
  async function verdictFor(fileName: string): Promise<{ watermark: string | null; confidence: number; text: string }> {
    await expect.poll(async () => ((await result().getAttribute('data-watermark')) !== null ? await result().textContent() : ''), { timeout: CHECK_TIMEOUT_MS }).toContain(`“${fileName}”`);
    return { watermark: await result().getAttribute('data-watermark'), confidence: Number(await result().getAttribute('data-confidence')), text: (await result().textContent()) ?? '' };
  }

  it('finds the watermark and the metadata (seed, pack, prompt) in an MP4 generated and downloaded from the app', async () => {
    await fillForm(page, { prompt: PROMPT, aspect: '16:9', frames: 9, steps: 2, seed: SEED });
    await generateAndWait(page);
    const file = join(dir, 'from-the-app.mp4');
    await download(page, /^Download MP4$/, file);

    await panel().getByLabel("File to check for Tessera's watermark").setInputFiles(file);
    const verdict = await verdictFor('from-the-app.mp4');
    expect(verdict.watermark).toBe('true');
    expect(verdict.text).toContain('carries Tessera’s invisible watermark');
    expect(verdict.text).toContain('99.99% or more');
    expect(verdict.confidence).toBeGreaterThanOrEqual(0.9999);
    // The payload is not always readable (a mostly black clip at the app's bitrate); when it is, it matches.
    expect(verdict.text).not.toContain('does not match');
    const metadata = panel().getByTestId('check-metadata');
    expect(await metadata.locator('[data-field="seed"]').textContent()).toBe(String(SEED));
    expect(await metadata.locator('[data-field="modelPack"]').textContent()).toMatch(/^tessera-tiny-2 /);
    expect(await metadata.locator('[data-field="prompt"]').textContent()).toBe(PROMPT);
    expect(errors).toEqual([]);
  });

  it('finds the watermark and the iTXt record in a PNG image generated and downloaded from the app', async () => {
    await fillForm(page, { prompt: PROMPT, aspect: '9:16', frames: 1, steps: 2, seed: SEED + 1 });
    await generateAndWait(page);
    const file = join(dir, 'from-the-app.png');
    await download(page, /^Download PNG$/, file);

    await panel().getByLabel("File to check for Tessera's watermark").setInputFiles(file);
    const verdict = await verdictFor('from-the-app.png');
    expect(verdict.watermark).toBe('true');
    expect(verdict.text).toContain('128×224 image checked');
    expect(await panel().getByTestId('check-metadata').locator('[data-field="seed"]').textContent()).toBe(String(SEED + 1));
    expect(errors).toEqual([]);
  });

  it('finds no watermark and no metadata in a clip dropped on the panel and an image picked, both made by ffmpeg', async () => {
    const clip = join(dir, 'testsrc.mp4');
    const image = join(dir, 'testsrc.png');
    const ffmpeg = ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=224x128:rate=8'];
    execFileSync('ffmpeg', [...ffmpeg, '-frames:v', '9', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
    execFileSync('ffmpeg', [...ffmpeg, '-frames:v', '1', image]);

    // Dropped: the panel takes it, the page-wide drop (restore settings from a file) does not.
    const dataTransfer = await page.evaluateHandle(
      ({ base64, name }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'video/mp4' }));
        return transfer;
      },
      { base64: readFileSync(clip).toString('base64'), name: 'testsrc.mp4' },
    );
    await panel().dispatchEvent('dragover', { dataTransfer });
    await panel().dispatchEvent('drop', { dataTransfer });
    const video = await verdictFor('testsrc.mp4');
    expect(video.watermark).toBe('false');
    expect(video.text).toContain('No Tessera watermark found');
    expect(video.confidence).toBeLessThan(0.5);
    expect(await panel().getByTestId('check-metadata').textContent()).toMatch(/^None/);
    expect(await page.getByText(/does not carry Tessera settings/).count()).toBe(0);

    await panel().getByLabel("File to check for Tessera's watermark").setInputFiles(image);
    const still = await verdictFor('testsrc.png');
    expect(still.watermark).toBe('false');
    expect(still.text).toContain('224×128 image checked');
    expect(await panel().getByTestId('check-metadata').textContent()).toMatch(/^None/);
    expect(errors).toEqual([]);
  });

  it('says plainly that a damaged file cannot be read, and what kinds of file it takes', async () => {
    const input = panel().getByLabel("File to check for Tessera's watermark");
    await input.setInputFiles({ name: 'broken.mp4', mimeType: 'video/mp4', buffer: Buffer.from('this is not a video at all') });
    const alert = panel().getByRole('alert');
    await expect.poll(() => alert.getAttribute('data-check-error'), { timeout: CHECK_TIMEOUT_MS }).toBe('unreadable');
    expect(await alert.textContent()).toMatch(/cannot be checked\. “broken\.mp4” cannot be read as a video; it may be damaged or not a video file\./);

    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect.poll(() => alert.getAttribute('data-check-error'), { timeout: CHECK_TIMEOUT_MS }).toBe('unsupported-format');
    expect(await alert.textContent()).toContain('choose MP4, WebM or MOV videos, or PNG, JPEG or WebP images');
  });
});
