import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_FORMATS, BufferSource, BufferTarget, Conversion, Input, Mp4OutputFormat, Output } from 'mediabunny';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../cli/png';
import { addPngText, readPngText } from '../../src/media/png';
import {
  buildProvenance,
  parseProvenance,
  provenanceFfmpegArgs,
  provenanceFromPngText,
  provenanceMp4Tags,
  provenancePngText,
  readTesseraMetadataFromMp4,
  sha256Hex,
  watermarkPayloadFromHash,
} from '../../src/safety/provenance';

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tessera-provenance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = await buildProvenance({
  prompt: 'a red circle moving left on a blue background',
  negativePrompt: 'blurry',
  modelPack: { name: 'tessera-tiny', version: '1.0.0' },
  seed: 42,
  settings: { steps: 20, guidance: 4, width: 224, height: 128, frames: 17, fps: 8 },
  policyVersion: '1.0.0',
  created: new Date('2026-01-02T03:04:05Z'),
});

/** A short H.264 MP4 made by ffmpeg, with extra ffmpeg arguments. */
function ffmpegMp4(name: string, extra: string[]): string {
  const path = join(dir, name);
  const made = spawnSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=128x96:rate=8', '-frames:v', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', ...extra, path]);
  expect(made.status).toBe(0);
  return path;
}

describe('provenance record', () => {
  it('hashes with SHA-256', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('says Tessera made it, with pack, seed, prompt hash and settings, but not the prompt', async () => {
    expect(record).toMatchObject({
      generator: 'Tessera',
      format: 1,
      modelPack: { name: 'tessera-tiny', version: '1.0.0' },
      seed: 42,
      promptSha256: await sha256Hex('a red circle moving left on a blue background'),
      negativePromptSha256: await sha256Hex('blurry'),
      settings: { steps: 20, guidance: 4 },
      created: '2026-01-02T03:04:05.000Z',
    });
    expect(JSON.stringify(record)).not.toContain('red circle');
  });

  it('derives the watermark payload from the prompt hash', () => {
    expect(record.watermarkPayload).toBe(Number.parseInt(record.promptSha256.slice(0, 8), 16));
    expect(() => watermarkPayloadFromHash('xyz')).toThrow(/64 lower-case hex/);
  });

  it('parses only Tessera records', () => {
    expect(parseProvenance(JSON.stringify(record))).toEqual(record);
    expect(parseProvenance('{"generator":"Other","seed":1}')).toBeNull();
    expect(parseProvenance('not json')).toBeNull();
    expect(parseProvenance(undefined)).toBeNull();
  });
});

describe('provenance in files', () => {
  it('round-trips through a PNG iTXt chunk', () => {
    const png = addPngText(new Uint8Array(encodePng(2, 2, new Uint8ClampedArray(16).fill(200))), provenancePngText(record));
    expect(provenanceFromPngText(readPngText(png))).toEqual(record);
    expect(provenanceFromPngText(readPngText(new Uint8Array(encodePng(2, 2, new Uint8ClampedArray(16)))))).toBeNull();
  });

  it.skipIf(!hasFfmpeg)('is read back from an MP4 that ffmpeg tagged (the CLI path)', async () => {
    const path = ffmpegMp4('tagged.mp4', provenanceFfmpegArgs(record));
    expect(await readTesseraMetadataFromMp4(readFileSync(path))).toEqual(record);
  });

  it.skipIf(!hasFfmpeg)('is read back from an MP4 that mediabunny tagged (the browser path)', async () => {
    const input = new Input({ source: new BufferSource(readFileSync(ffmpegMp4('plain.mp4', []))), formats: ALL_FORMATS });
    const output = new Output({ format: new Mp4OutputFormat(), target: new BufferTarget() });
    const conversion = await Conversion.init({ input, output, tags: provenanceMp4Tags(record) });
    await conversion.execute();
    const bytes = new Uint8Array((output.target as BufferTarget).buffer!);
    expect(await readTesseraMetadataFromMp4(bytes)).toEqual(record);
  });

  it.skipIf(!hasFfmpeg)('finds no record in an untagged MP4', async () => {
    expect(await readTesseraMetadataFromMp4(readFileSync(ffmpegMp4('untagged.mp4', [])))).toBeNull();
  });
});
