/** Reading inputs: PNG and Y4M decoders against the CLI's own writers, frame-rate picking, limits and messages. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../cli/pngDecoder';
import { readMedia } from '../../cli/readMedia';
import { encodePng } from '../../cli/png';
import { encodeY4m } from '../../cli/y4m';
import { collectFrames, framesAtRate } from '../../src/input/decodedFrames';
import type { MediaInputError } from '../../src/input/mediaInputError';
import { decodeY4m } from '../../src/input/y4mDecoder';
import { worldClip } from '../fixtures/worldClip';

const dir = mkdtempSync(join(tmpdir(), 'tessera-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const size = { width: 56, height: 32 };
const keep = () => size;

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    return { code: (e as MediaInputError).code, message: (e as Error).message };
  }
  return { code: 'none', message: '' };
}

/** A PNG file from raw scanlines (filter byte included) and header fields. */
function png(width: number, height: number, depth: number, type: number, rows: number[][], extra: [string, number[]][] = []): Uint8Array {
  const chunk = (name: string, body: Uint8Array) => {
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    out.write(name, 4, 'latin1');
    out.set(body, 8);
    return out; // the reader does not check CRCs
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, type, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...extra.map(([name, body]) => chunk(name, Uint8Array.from(body))),
    chunk('IDAT', deflateSync(Uint8Array.from(rows.flat()))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('PNG reader', () => {
  it('reads back what the CLI writes, exactly', async () => {
    const frame = worldClip({ colour: 'orange', shape: 'square', background: 'green', direction: [1, 0] }, 56, 32, 1).frames[0]!;
    const decoded = decodePng(encodePng(56, 32, frame));
    expect([decoded.width, decoded.height, decoded.frameCount]).toEqual([56, 32, 1]);
    expect(await decoded.frame(0)).toEqual(frame);
  });

  it('reads palettes with transparency, 16-bit gray and every row filter', async () => {
    // 2×1 palette image: index 0 = red (alpha 0), index 1 = blue; 2 bits per pixel: 0b00_01_0000.
    const pal = decodePng(png(2, 1, 2, 3, [[0, 0b00010000]], [['PLTE', [255, 0, 0, 0, 0, 255]], ['tRNS', [0]]]));
    expect([...(await pal.frame(0))]).toEqual([255, 0, 0, 0, 0, 0, 255, 255]);
    // 16-bit gray, 2×2, rows with filter sub (1) and up (2): high bytes 0x10, 0x30 / 0x10+0x10, 0x30+0x10
    const gray = decodePng(png(2, 2, 16, 0, [[1, 0x10, 0, 0x20, 0], [2, 0x10, 0, 0x10, 0]]));
    const g = await gray.frame(0);
    expect([g[0], g[4], g[8], g[12]]).toEqual([0x10, 0x30, 0x20, 0x40]);
    // RGB with average (3) and Paeth (4) filters on the second row.
    const rgb = decodePng(png(1, 3, 8, 2, [[0, 10, 20, 30], [3, 1, 1, 1], [4, 2, 2, 2]]));
    expect([...(await rgb.frame(0))]).toEqual([10, 20, 30, 255, 6, 11, 16, 255, 8, 13, 18, 255]);
  });

  it.each([
    [Uint8Array.from([1, 2, 3]), /is not a PNG file/],
    [png(2, 2, 8, 2, [[0, 1, 2, 3]]), /image data is shorter than its size says/],
    [png(1, 1, 8, 2, [[9, 1, 2, 3]]), /row 0 has an unknown filter 9/],
    [png(1, 1, 8, 3, [[0, 0]]), /palette colour type but no palette/],
  ])('says why a PNG cannot be read (%#)', async (bytes, message) => {
    const error = await failure(async () => (await decodePng(bytes, 'x.png')).frame(0));
    expect(error.code).toBe('unreadable');
    expect(error.message).toMatch(message);
  });
});

describe('Y4M reader', () => {
  it('reads back what the CLI writes within one level per channel', async () => {
    const clip = worldClip({ colour: 'yellow', shape: 'circle', background: 'purple', direction: [0, 1] }, 56, 32, 3);
    const decoded = decodeY4m(encodeY4m(clip, 8));
    expect([decoded.width, decoded.height, decoded.frameCount, decoded.fps]).toEqual([56, 32, 3, 8]);
    const frame = await decoded.frame(2);
    frame.forEach((v, i) => expect(Math.abs(v - clip.frames[2]![i]!)).toBeLessThanOrEqual(1));
  });

  it('reads 4:2:0 and mono, and refuses other layouts and cut files with a reason', async () => {
    const y420 = Buffer.concat([Buffer.from('YUV4MPEG2 W2 H2 F25:1 C420jpeg\nFRAME\n'), Buffer.from([235, 235, 16, 16, 128, 128])]);
    const frame = await decodeY4m(y420).frame(0);
    expect([frame[0], frame[8]]).toEqual([255, 0]);
    expect(decodeY4m(y420).fps).toBe(25);
    const mono = Buffer.concat([Buffer.from('YUV4MPEG2 W1 H1 Cmono\nFRAME\n'), Buffer.from([126])]);
    expect([...(await decodeY4m(mono).frame(0))]).toEqual([128, 128, 128, 255]);
    expect((await failure(() => decodeY4m(Buffer.from('YUV4MPEG2 W2 H2 C420p10\n')))).message).toMatch(/colour space C420p10/);
    expect((await failure(() => decodeY4m(y420.subarray(0, y420.length - 1)))).message).toMatch(/ends in the middle of frame 0/);
    expect((await failure(() => decodeY4m(Buffer.from('RIFF....')))).message).toMatch(/not a Y4M file/);
  });
});

describe('reading sources', () => {
  it('picks frames at the pack’s rate, nearest in time', () => {
    expect(framesAtRate(5, null, 8)).toEqual([0, 1, 2, 3, 4]);
    expect(framesAtRate(30, 24, 8)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(framesAtRate(3, 4, 8)).toEqual([0, 1, 1, 2, 2, 2]);
  });

  it('refuses a source longer than a minute at 8 fps or larger than 8K', async () => {
    const long = { width: 2, height: 2, frameCount: 500, fps: null, frame: () => new Uint8ClampedArray(16) };
    expect(await failure(collectFrames(long, 8, keep, 'long.y4m'))).toMatchObject({ code: 'too-large', message: expect.stringMatching(/500 frames at 8 fps; Tessera takes at most 480/) });
    const huge = { ...long, width: 10000, height: 10000, frameCount: 1 };
    expect(await failure(collectFrames(huge, 8, keep, 'huge.png'))).toMatchObject({ code: 'too-large', message: expect.stringMatching(/10000x10000/) });
  });

  it('fits every file type to the model size: .png, .y4m, and .mp4 and .jpg through ffmpeg', async () => {
    const clip = worldClip({ colour: 'red', shape: 'circle', background: 'blue', direction: [1, 0] }, 112, 64, 9);
    writeFileSync(join(dir, 'a.png'), encodePng(112, 64, clip.frames[0]!));
    writeFileSync(join(dir, 'a.y4m'), encodeY4m(clip, 8));
    for (const file of ['a.png', 'a.y4m']) {
      const read = await readMedia(join(dir, file), 8, keep);
      expect([read.width, read.height, read.frames.length]).toEqual([56, 32, file === 'a.png' ? 1 : 9]);
    }
    const ffmpeg = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(dir, 'a.y4m'), '-pix_fmt', 'yuv420p', join(dir, 'a.mp4')]).status === 0;
    if (!ffmpeg) return; // the CLI's tests need ffmpeg elsewhere; here it only adds .mp4 coverage
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(dir, 'a.png'), join(dir, 'a.jpg')]);
    const mp4 = await readMedia(join(dir, 'a.mp4'), 8, keep);
    expect([mp4.width, mp4.height, mp4.frames.length]).toEqual([56, 32, 9]);
    const jpg = await readMedia(join(dir, 'a.jpg'), 8, keep);
    expect(jpg.frames).toHaveLength(1);
    // the red circle survives: its centre pixel is red
    const centre = (Math.round(0.5 * 32) * 56 + Math.round(0.3 * 56)) * 4;
    expect([...jpg.frames[0]!.subarray(centre, centre + 3)].map((v) => Math.round(v / 64))).toEqual([4, 0, 0]);
  });

  it.each([
    ['clip.gifv', 'unsupported-format', /\.gifv is not a format Tessera reads; give PNG, JPEG or WebP images, MP4 or Y4M videos/],
    ['missing.png', 'unreadable', /cannot read .*missing\.png: no such file/],
    ['bad.mp4', 'unreadable', /bad\.mp4 cannot be read/],
  ])('names the problem with %s', async (file, code, message) => {
    writeFileSync(join(dir, 'bad.mp4'), 'not a video');
    expect(await failure(readMedia(join(dir, file), 8, keep))).toMatchObject({ code, message: expect.stringMatching(message) });
  });
});
