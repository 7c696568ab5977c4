/**
 * `npm run generate` marks its files like the app does: the watermark in the pixels and the record in
 * MP4 and PNG metadata, found again by `npm run check`. Tiny settings (2 steps, 9 frames) on the
 * default pack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../cli/check';
import { DEFAULT_MODEL_DIR, runCli } from '../../cli/run';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

const PROMPT = 'a yellow square moving right on a purple background';
const TINY = ['--prompt', PROMPT, '--frames', '9', '--steps', '2', '--seed', '31'];
/** The default pack as its manifest names it (the record must name the pack that made the file). */
const PACK = (({ name, version }) => ({ name, version }))(JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as { name: string; version: string });

async function generate(out: string, ...extra: string[]): Promise<void> {
  const stderr: string[] = [];
  const status = await runCli([...TINY, '--out', out, ...extra], { stdout: () => undefined, stderr: (line) => stderr.push(line) });
  expect({ status, stderr }).toEqual({ status: 0, stderr: [] });
}

async function check(path: string): Promise<{ watermark: boolean; confidence: number; metadata: Record<string, unknown> | null }> {
  const out: string[] = [];
  expect(await runCheck([path], { stdout: (line) => out.push(line), stderr: () => undefined })).toBe(0);
  return JSON.parse(out[0]!);
}

describe('npm run generate writes the app’s provenance', () => {
  it.skipIf(!hasFfmpeg)('an .mp4 carries the watermark and the record with seed, pack and prompt, as `npm run check` reports', async () => {
    const out = join(dir, 'clip.mp4');
    await generate(out);
    // The real command, once: its stdout is exactly one JSON object.
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const run = spawnSync(tsx, ['cli/check.ts', out], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      watermark: true,
      metadata: { generator: 'Tessera', seed: 31, modelPack: PACK, prompt: PROMPT, settings: { steps: 2, frames: 9, aspect: '16:9', width: 224, height: 128, fps: 8 } },
    });
    expect(result.confidence).toBeGreaterThan(0.999);
  });

  it('a 9-frame .png strip carries the watermark as one image and the record in its iTXt chunk', async () => {
    const out = join(dir, 'sheet.png');
    await generate(out);
    // One row of the 9 frames (224×128 each): the strip keeps the frames at the mark's scale.
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([9 * 224, 128]);
    const result = await check(out);
    expect(result).toMatchObject({ watermark: true, metadata: { generator: 'Tessera', seed: 31, modelPack: PACK, prompt: PROMPT } });
    expect(result.confidence).toBeGreaterThan(0.999);
  });

  it('--omit-prompt keeps the prompt’s hash and drops its text; a .y4m carries the watermark and no metadata', async () => {
    const png = join(dir, 'private.png');
    await generate(png, '--frames', '1', '--omit-prompt');
    const metadata = (await check(png)).metadata;
    expect(metadata).toMatchObject({ seed: 31, promptSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(metadata).not.toHaveProperty('prompt');

    const y4m = join(dir, 'clip.y4m');
    await generate(y4m);
    expect(await check(y4m)).toMatchObject({ watermark: true, metadata: null });
  });
});
