/**
 * The product path in real Chromium against the production build: a typed prompt becomes an MP4
 * that ffprobe reads, and the same seed gives the same frames on WebGPU, on WASM and in
 * `npm run generate` (onnxruntime-node).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeY4m } from '../../cli/y4m';
import { sha256Hex, watermarkPayloadFromHash } from '../../src/safety/provenance';
import { embedWatermarkFrames } from '../../src/safety/watermark';
import { compareBytes, download, fillForm, ffprobe, lastRawFrames, openApp, waitForNewResult } from './app';
import { useAppSession } from './appSession';

const PROMPT = 'a red circle moving left on a blue background';
const SEED = 1234;
const SETTINGS = { prompt: PROMPT, aspect: '1:1', frames: 9, steps: 2, seed: SEED } as const;
/** The built-in tessera-tiny-2 decodes 1:1 at 128×128 (its decoder renders 4× the model's 32×32); the file keeps that size. */
const SIZE = 128;
/**
 * Backends may differ by float rounding (fp32 sums in another order): we allow 2 levels of 255 on
 * any pixel channel and a mean difference under 0.05 levels.
 */
const MAX_LEVELS = 2;
const MAX_MEAN = 0.05;

describe('a prompt becomes an MP4', () => {
  const app = useAppSession();
  let webgpuFrames: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a 9-frame 1:1 clip on WebGPU from the keyboard and downloads an MP4 ffprobe reads', async () => {
    const { page, errors } = await openApp(app.browser, app.url, { backend: 'webgpu' });
    await expect.poll(() => page.getByTestId('backend-badge').getAttribute('data-backend')).toBe('webgpu');
    await fillForm(page, SETTINGS);
    await expect.poll(() => page.getByTestId('expanded-prompt').textContent()).toBe(PROMPT);

    await page.getByRole('textbox', { name: 'Prompt', exact: true }).press('Control+Enter');
    await expect.poll(() => page.getByTestId('progress-text').filter({ hasText: /Step \d+ of 2|Decoding|Encoding|Reading/ }).count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await waitForNewResult(page, null);

    expect(await page.getByTestId('result-seed').textContent()).toBe(String(SEED));
    expect(await page.getByTestId('result-prompt').textContent()).toBe(PROMPT);
    const file = join(dir, 'webgpu.mp4');
    await download(page, /^Download MP4$/, file);
    expect(ffprobe(file)).toEqual({ codec: 'h264', width: SIZE, height: SIZE, frames: 9, fps: '8/1' });
    const check = spawnSync('npm', ['run', '--silent', 'check', '--', file], { encoding: 'utf8', timeout: 120_000 });
    const provenance = JSON.parse(check.stdout) as { watermark: boolean; metadata: { generator: string; seed: number; prompt?: string } | null };
    expect(provenance).toMatchObject({ watermark: true, metadata: { generator: 'Tessera', seed: SEED, prompt: PROMPT } });
    expect(await page.getByRole('region', { name: 'Result' }).locator('video').evaluate((v) => (v as HTMLVideoElement).loop)).toBe(true);

    webgpuFrames = await lastRawFrames(page);
    expect(webgpuFrames.length).toBe(9 * SIZE * SIZE * 3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives the same frames on WASM as on WebGPU for the same seed', async () => {
    const { page, errors } = await openApp(app.browser, app.url, { backend: 'wasm' });
    expect(await page.getByTestId('backend-badge').getAttribute('data-backend')).toBe('wasm');
    await fillForm(page, SETTINGS);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await waitForNewResult(page, null);
    const wasmFrames = await lastRawFrames(page);
    const diff = compareBytes(wasmFrames, webgpuFrames);
    console.info(`WASM vs WebGPU: max ${diff.max}, mean ${diff.mean.toFixed(4)} levels of 255`);
    expect(diff.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(diff.mean).toBeLessThanOrEqual(MAX_MEAN);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('matches npm run generate (onnxruntime-node) for the same seed', async () => {
    const out = join(dir, 'node.y4m');
    const cli = spawnSync(
      'npm',
      ['run', '--silent', 'generate', '--', '--prompt', PROMPT, '--seed', String(SEED), '--aspect', '1:1', '--frames', '9', '--steps', '2', '--expand', '--scale', '1', '--out', out],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const fromNode = new Uint8Array(readFileSync(out));
    // At 128×128 the CLI's file carries the invisible watermark (src/safety/fileProvenance.ts), keyed by
    // the prompt's hash; the page's raw frames are the pipeline's, before it: mark them the same way.
    const marked = embedWatermarkFrames(rgbToRgbaFrames(webgpuFrames, 9), SIZE, SIZE, watermarkPayloadFromHash(await sha256Hex(PROMPT)));
    const fromBrowser = new Uint8Array(encodeY4m({ width: SIZE, height: SIZE, frames: marked }, 8));
    const diff = compareBytes(fromBrowser, fromNode);
    console.info(`WebGPU vs onnxruntime-node (y4m bytes): max ${diff.max}, mean ${diff.mean.toFixed(4)}`);
    expect(diff.max).toBeLessThanOrEqual(MAX_LEVELS);
    expect(diff.mean).toBeLessThanOrEqual(MAX_MEAN);
  });
});

function rgbToRgbaFrames(rgb: Uint8Array, frames: number): Uint8ClampedArray[] {
  const plane = rgb.length / 3 / frames;
  return Array.from({ length: frames }, (_, f) => {
    const out = new Uint8ClampedArray(plane * 4);
    for (let p = 0; p < plane; p++) {
      out.set(rgb.subarray((f * plane + p) * 3, (f * plane + p) * 3 + 3), p * 4);
      out[p * 4 + 3] = 255;
    }
    return out;
  });
}
