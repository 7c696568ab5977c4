/**
 * Decompression bombs and cut files: a small file that declares a huge image is refused from its
 * header, before anything is inflated or allocated; image data may not inflate past what the header
 * implies; a cut file says so. The bombs are built here in code, not committed.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflate, deflateSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaInputError, type MediaInputErrorCode } from '../../src/input/mediaInputError';
import { headerOnlyMp4 } from '../fixtures/headerOnlyMp4';

// Counts calls to inflateSync, so a test can prove a file was refused before any inflating.
const zlibCalls = vi.hoisted(() => ({ inflateSync: 0 }));
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  return {
    ...zlib,
    inflateSync: (...args: Parameters<typeof zlib.inflateSync>) => {
      zlibCalls.inflateSync++;
      return zlib.inflateSync(...args);
    },
  };
});

const { decodePng } = await import('../../cli/pngDecoder');
const { readMedia } = await import('../../cli/readMedia');
const { checkFile } = await import('../../cli/check');
const { decodeY4m } = await import('../../src/input/y4mDecoder');
const { MAX_FILE_FRAMES, MAX_WHOLE_FILE_BYTES, MAX_Y4M_HEADER_BYTES } = await import('../../src/input/mediaLimits');
const { withDecodableVideoTrack } = await import('../../src/input/videoTrack');
const { hasFfmpeg } = await import('../../cli/mp4');

const dir = mkdtempSync(join(tmpdir(), 'tessera-bombs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  zlibCalls.inflateSync = 0;
});
const keep = () => ({ width: 56, height: 32 });

async function failure(run: () => unknown): Promise<{ name: string; code: string; message: string }> {
  try {
    await run();
  } catch (e) {
    return { name: (e as Error).name, code: (e as { code?: string }).code ?? '', message: (e as Error).message };
  }
  return { name: 'none', code: 'none', message: '' };
}

function chunk(name: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(name, 4, 'latin1');
  out.set(body, 8);
  return out; // the reader does not check CRCs
}

/** An 8-bit gray PNG that declares width×height, with `idat` as its compressed image data. */
function grayPng(width: number, height: number, idat: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** zlib-deflates `rows` rows of `rowBytes` zeros without ever holding them all (the 97 KB bomb is 10000 rows of 10001). */
async function deflatedZeros(rows: number, rowBytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(rowBytes);
  for (let i = 0; i < rows; i++) deflate.write(row);
  deflate.end();
  await done;
  return Buffer.concat(parts);
}

describe('PNG bombs', () => {
  it('refuses a 97 KB PNG of 10000x10000 from its header, without inflating it (--image, check)', async () => {
    const bomb = grayPng(10000, 10000, await deflatedZeros(10000, 10001));
    expect(bomb.length).toBeLessThan(100_000);
    const file = join(dir, 'bomb.png');
    writeFileSync(file, bomb);
    zlibCalls.inflateSync = 0;
    for (const read of [() => decodePng(bomb, 'bomb.png'), () => readMedia(file, 8, keep), () => checkFile(file)]) {
      const error = await failure(read);
      expect(error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/is 10000x10000; Tessera reads frames up to 8K \(33177600 pixels, at most 16384 a side\)/) });
    }
    expect(zlibCalls.inflateSync).toBe(0);
  });

  it('refuses a strip within the pixel limit but over 16384 a side', async () => {
    const error = await failure(() => decodePng(grayPng(20000, 2, deflateSync(Buffer.alloc(2 * 20001))), 'strip.png'));
    expect(error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/20000x2/) });
    expect(zlibCalls.inflateSync).toBe(0);
  });

  it('refuses image data that inflates past what a 64x64 header allows, without holding the excess', async () => {
    // 64 rows of 65 bytes are 4160; this stream holds 64 MiB of zeros in 64 KB.
    const liar = grayPng(64, 64, await deflatedZeros(1024, 65536));
    expect(liar.length).toBeLessThan(100_000);
    const error = await failure(() => decodePng(liar, 'liar.png'));
    expect(error).toMatchObject({ code: 'unreadable', message: expect.stringMatching(/inflates to more than the 4160 bytes its 64x64 header allows/) });
    expect(zlibCalls.inflateSync).toBe(1);
  });

  it.each([
    ['cut inside its header', (png: Buffer) => png.subarray(0, 20), /cut short before the end of its header/],
    ['cut inside its image data chunk', (png: Buffer) => png.subarray(0, 45), /chunk IDAT is cut short/],
    ['with a cut compressed stream', () => grayPng(4, 4, deflateSync(Buffer.alloc(20)).subarray(0, 6)), /image data is corrupt or cut short/],
    ['with a header chunk that is not first', (png: Buffer) => Buffer.concat([png.subarray(0, 8), chunk('tEXt', Buffer.from('a\0b')), png.subarray(8)]), /first chunk is not a 13-byte IHDR/],
    ['with a bit depth its colour type does not allow', (png: Buffer) => Buffer.from(png).fill(4, 24, 25).fill(2, 25, 26), /colour type 2 at bit depth 4 is not a PNG format/],
  ])('says a PNG %s cannot be read', async (_, cut, message) => {
    const png = grayPng(4, 4, deflateSync(Buffer.alloc(20)));
    const error = await failure(() => decodePng(cut(png), 'cut.png'));
    expect(error).toMatchObject({ name: 'MediaInputError', code: 'unreadable', message: expect.stringMatching(message) });
  });
});

describe('Y4M bombs', () => {
  const frame = (w: number, h: number, colour: string, frames: number) =>
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F8:1 C${colour}\n`), ...Array.from({ length: frames }, () => Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(w * h)]))]);

  it('refuses huge header dimensions before counting or allocating frames', async () => {
    const error = await failure(() => decodeY4m(Buffer.from('YUV4MPEG2 W100000 H100000 F8:1 C420jpeg\nFRAME\n\0\0\0'), 'huge.y4m'));
    expect(error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/huge\.y4m is 100000x100000/) });
  });

  it(`refuses a file of more than MAX_FILE_FRAMES (${MAX_FILE_FRAMES}) tiny frames, and reads exactly that many`, async () => {
    expect(decodeY4m(frame(1, 1, 'mono', MAX_FILE_FRAMES)).frameCount).toBe(MAX_FILE_FRAMES);
    const error = await failure(() => decodeY4m(frame(1, 1, 'mono', MAX_FILE_FRAMES + 1), 'many.y4m'));
    expect(error).toMatchObject({ code: 'too-large', message: expect.stringMatching(`many.y4m holds more than ${MAX_FILE_FRAMES} frames`) });
  });

  it('says a cut file is cut: mid-frame, and a header line with no end', async () => {
    const clip = frame(4, 4, 'mono', 2);
    expect(await failure(() => decodeY4m(clip.subarray(0, clip.length - 3), 'cut.y4m'))).toMatchObject({ code: 'unreadable', message: expect.stringMatching(/ends in the middle of frame 1/) });
    const endless = Buffer.concat([Buffer.from('YUV4MPEG2 W4 H4 '), Buffer.alloc(MAX_Y4M_HEADER_BYTES, 0x41)]);
    expect(await failure(() => decodeY4m(endless, 'endless.y4m'))).toMatchObject({ code: 'unreadable', message: expect.stringMatching(`no end to its header line within ${MAX_Y4M_HEADER_BYTES} bytes`) });
  });
});

describe('whole-file reads', () => {
  it('refuses a .y4m or .png over 1 GiB from its size on disk, before reading it', async () => {
    for (const name of ['big.y4m', 'big.png']) {
      const file = join(dir, name);
      const fd = openSync(file, 'w');
      ftruncateSync(fd, MAX_WHOLE_FILE_BYTES + 1); // sparse: no disk used
      closeSync(fd);
      const rssBefore = process.memoryUsage().rss;
      const error = await failure(() => readMedia(file, 8, keep));
      expect(error).toMatchObject({ code: 'too-large', message: expect.stringMatching(`${name} is ${MAX_WHOLE_FILE_BYTES + 1} bytes`) });
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 ** 2);
      rmSync(file);
    }
  });
});

describe('video bombs', () => {
  const huge = async () => headerOnlyMp4(10000, 10000);

  it('refuses a 10000x10000 video track from its header, before asking for a decoder (upload and check in the browser)', async () => {
    const fail = (code: MediaInputErrorCode, message: string) => new MediaInputError(code, message);
    let used = false;
    const error = await failure(async () =>
      withDecodableVideoTrack((await huge()).buffer as ArrayBuffer, 'huge.mp4', { fail, decoderAdvice: 'none' }, async () => {
        used = true;
      }),
    );
    // Node has no VideoDecoder: a check made after canDecode would say decoder-missing instead.
    expect(error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/huge\.mp4 is 10000x10000/) });
    expect(used).toBe(false);
  });

  it.runIf(hasFfmpeg())('npm run check refuses a 10000x10000 MP4 from ffprobe’s size, before ffmpeg decodes it', async () => {
    const file = join(dir, 'huge.mp4');
    writeFileSync(file, await huge());
    expect(await failure(() => checkFile(file))).toMatchObject({ code: 'too-large', message: expect.stringMatching(/is 10000x10000/) });
  });
});
