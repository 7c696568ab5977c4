/**
 * The generation modes through the UI in real Chromium: image-to-video from an uploaded PNG, and
 * extending the current result. The browser's frames are compared with the Node pipeline's for the
 * same inputs and seed, and measured against the sources (test/unit/videoModes.pack.test.ts says
 * why the PSNR floor is 20 dB).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../cli/png';
import { encodeY4m } from '../../cli/y4m';
import { fitClip } from '../../src/pipeline/fitFrames';
import { psnr } from '../fixtures/frameMetrics';
import { worldClip } from '../fixtures/worldClip';
import { chooseMode, compareBytes, fillForm, lastRawFrames, openApp, rgbaToRgb, rgbToRgbaFrames, waitForNewResult } from './app';
import { nodeVideo } from './nodePipeline';
import { useAppSession } from './appSession';
import { TESSERA_TINY_DIR } from '../fixtures/packDirs';

/** Pinned to tessera-tiny, in the page and in Node: the sizes and thresholds below were measured on its 32-pixel frames. */
const TINY_APP = { backend: 'wasm', pack: 'tessera-tiny' } as const;
const nodeTiny = (request: Parameters<typeof nodeVideo>[0]) => nodeVideo(request, TESSERA_TINY_DIR);

const PROMPT = 'a red circle moving right on a blue background';
const SEED = 77;
const STEPS = 2;
/** Backends differ by float rounding only (see generate.e2e.test.ts). */
const MAX_LEVELS = 2;
const RECONSTRUCTION_FLOOR = 20;
const WIDTH = 56;
const HEIGHT = 32;
const FRAME = WIDTH * HEIGHT * 3;

/** RGB frames (as the test hook returns them) → RGBA frames at the 16:9 model size. */
const rgbaFrames = (rgb: Uint8Array) => rgbToRgbaFrames(rgb, WIDTH, HEIGHT);

describe('generation modes in the browser', () => {
  const app = useAppSession();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-modes-e2e-'));
  // A world frame at 4× the model size, so the upload is fitted (shrunk) like any photo would be.
  const large = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0] }, WIDTH * 4, HEIGHT * 4, 1);
  const image = join(dir, 'start.png');

  beforeAll(() => {
    writeFileSync(image, encodePng(WIDTH * 4, HEIGHT * 4, large.frames[0]!));
  });

  it('animates an uploaded PNG: the first frame matches it, and the frames match the Node pipeline', async () => {
    const { page, errors } = await openApp(app.browser, app.url, TINY_APP);
    await fillForm(page, { prompt: PROMPT, frames: 9, steps: STEPS, seed: SEED });
    await chooseMode(page, 'Image → video');
    // Generate without an image: the form says what is missing.
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Choose an image to animate first/);
    await page.getByRole('button', { name: /Dismiss/ }).first().click().catch(() => undefined);

    await page.getByLabel('Image', { exact: true }).setInputFiles(image);
    await expect.poll(() => page.getByTestId('sourceA-chosen').textContent()).toBe('Using: start.png');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await waitForNewResult(page, null);
    const browserFrames = await lastRawFrames(page);
    expect(browserFrames.length).toBe(9 * FRAME);

    const node = await nodeTiny({ prompt: PROMPT, seed: SEED, steps: STEPS, frames: 9, expandPrompt: true, mode: { kind: 'image-to-video', image: large } });
    expect(compareBytes(browserFrames, rgbaToRgb(node.frames)).max).toBeLessThanOrEqual(MAX_LEVELS);
    const fitted = fitClip(large, { width: WIDTH, height: HEIGHT });
    const first = psnr(rgbaFrames(browserFrames)[0]!, fitted.frames[0]!);
    console.info(`browser image-to-video first frame: ${first.toFixed(2)} dB`);
    expect(first).toBeGreaterThan(RECONSTRUCTION_FLOOR);

    expect(errors).toEqual([]);
    await page.close();
  });

  it('extends the current result forward: the original frames come first, unchanged', async () => {
    const { page, errors } = await openApp(app.browser, app.url, TINY_APP);
    await fillForm(page, { prompt: PROMPT, aspect: '16:9', frames: 9, steps: STEPS, seed: SEED });
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await waitForNewResult(page, null);
    const original = await lastRawFrames(page);
    expect(original.length).toBe(9 * FRAME);
    const oldUrl = await page.getByRole('link', { name: /^Download/ }).getAttribute('href');

    await chooseMode(page, 'Extend');
    await page.getByRole('button', { name: 'Use the current result' }).click();
    await page.getByRole('radio', { name: /Forward/ }).check();
    await page.getByRole('combobox', { name: 'Duration' }).selectOption('17');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await waitForNewResult(page, oldUrl);
    const extended = await lastRawFrames(page);
    // 9 original frames, then 17 − 9 new ones (the sampled clip re-creates the last 9 as its start).
    expect(extended.length).toBe(17 * FRAME);
    expect(compareBytes(extended.subarray(0, 9 * FRAME), original).max).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('re-generates an uploaded MP4 (decoded by mediabunny at 8 fps) at strength 0.3, staying near it', async () => {
    // 24 fps for 1.5 s: the app must take every third frame to get 12 frames at the model's 8 fps.
    const clip = worldClip({ colour: 'yellow', shape: 'square', background: 'purple', direction: [1, 0] }, WIDTH * 4, HEIGHT * 4, 36);
    const y4m = join(dir, 'source.y4m');
    const mp4 = join(dir, 'source.mp4');
    writeFileSync(y4m, encodeY4m(clip, 24));
    const ffmpeg = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', y4m, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '12', mp4]);
    expect(ffmpeg.status).toBe(0);
    const { page, errors } = await openApp(app.browser, app.url, TINY_APP);
    await fillForm(page, { prompt: 'a yellow square moving right on a purple background', frames: 17, steps: STEPS, seed: SEED });
    await chooseMode(page, 'Video → video');
    await page.getByLabel('Clip', { exact: true }).setInputFiles(mp4);
    await page.getByRole('slider', { name: /Strength/ }).fill('0.3');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await waitForNewResult(page, null);
    const frames = rgbaFrames(await lastRawFrames(page));
    // 12 source frames at 8 fps fill 9 (the longest count ≤ 12), not the 17 asked for.
    expect(frames).toHaveLength(9);
    const source = fitClip({ ...clip, frames: clip.frames.filter((_, i) => i % 3 === 0) }, { width: WIDTH, height: HEIGHT }).frames;
    const near = frames.reduce((sum, f, i) => sum + psnr(f, source[i]!), 0) / frames.length;
    console.info(`browser video-to-video at 0.3 from an MP4: ${near.toFixed(2)} dB to the source`);
    expect(near).toBeGreaterThan(RECONSTRUCTION_FLOOR);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('names an upload it cannot read', async () => {
    const { page } = await openApp(app.browser, app.url, TINY_APP);
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, 'this is not an image');
    await fillForm(page, { prompt: PROMPT, frames: 9, steps: STEPS, seed: SEED });
    await chooseMode(page, 'Video → video');
    await page.getByLabel('Clip', { exact: true }).setInputFiles(broken);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 60_000 }).toMatch(/broken\.png.*cannot be read as an image/);
    await page.close();
  });
});
