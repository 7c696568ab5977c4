import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../cli/check';
import { encodePng } from '../../cli/png';
import { addPngText } from '../../src/media/png';
import { buildProvenance, provenanceFfmpegArgs, provenancePngText } from '../../src/safety/provenance';
import { embedWatermarkFrames } from '../../src/safety/watermark';

const W = 224;
const H = 128;
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tessera-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Tessera-like frames: a square moving right over a flat background. */
const frames = Array.from({ length: 9 }, (_, t) => {
  const f = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const x = i % W;
    const y = Math.floor(i / W);
    const inside = Math.abs(x - 60 - 8 * t) < 20 && Math.abs(y - 64) < 20;
    f.set(inside ? [240, 220, 40, 255] : [40, 60, 200, 255], i * 4);
  }
  return f;
});
const record = await buildProvenance({ prompt: 'a yellow square moving right on a blue background', modelPack: { name: 'tessera-tiny', version: '1.0.0' }, seed: 7, settings: { steps: 20 }, policyVersion: 'test' });
const marked = embedWatermarkFrames(frames, W, H, record.watermarkPayload);

async function check(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCheck(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { status, out, err };
}

describe('npm run check', () => {
  it('prints one JSON object with the watermark and the PNG metadata', async () => {
    const path = join(dir, 'marked.png');
    writeFileSync(path, addPngText(new Uint8Array(encodePng(W, H, marked[0]!)), provenancePngText(record)));
    const { status, out } = await check(path);
    expect(status).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toEqual({ watermark: true, confidence: 1, metadata: record });
  });

  it('says no watermark and no metadata for an image Tessera did not make', async () => {
    const path = join(dir, 'plain.png');
    writeFileSync(path, encodePng(W, H, frames[0]!));
    const result = JSON.parse((await check(path)).out[0]!) as { watermark: boolean; confidence: number; metadata: unknown };
    expect(result.watermark).toBe(false);
    expect(result.confidence).toBeLessThan(0.5);
    expect(result.metadata).toBeNull();
  });

  it.skipIf(!hasFfmpeg)('finds the mark and the metadata in an MP4, and the mark alone once metadata is stripped', async () => {
    const tagged = join(dir, 'marked.mp4');
    const raw = Buffer.concat(marked.map((f) => Buffer.from(f.buffer)));
    const encode = ['-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${W}x${H}`, '-r', '8', '-i', '-', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'];
    expect(spawnSync('ffmpeg', [...encode, ...provenanceFfmpegArgs(record), tagged], { input: raw }).status).toBe(0);
    expect(JSON.parse((await check(tagged)).out[0]!)).toEqual({ watermark: true, confidence: 1, metadata: record });
    const stripped = join(dir, 'stripped.mp4');
    expect(spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', tagged, '-map_metadata', '-1', '-c:v', 'libx264', '-b:v', '150k', stripped]).status).toBe(0);
    expect(JSON.parse((await check(stripped)).out[0]!)).toMatchObject({ watermark: true, metadata: null });
  });

  it('exits 2 for a wrong command line and 1 for a missing file', async () => {
    expect((await check()).status).toBe(2);
    const missing = await check(join(dir, 'nope.png'));
    expect(missing.status).toBe(1);
    expect(missing.err[0]).toMatch(/no such file/);
  });
});

describe('npm run generate and the prompt policy', () => {
  it('exits 3 with a message naming the category, before loading any model', () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const run = spawnSync(tsx, ['cli/generate.ts', '--prompt', 'a man st@bbing his neighbour', '--out', join(dir, 'refused.png')], { encoding: 'utf8' });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/^error: This prompt asks for violent or gory content/);
    expect(run.stdout).toBe('');
  });
});
