/**
 * Sizes read from headers before anything decodes: the image formats the browser hands to
 * createImageBitmap, the PNG IHDR the CLI's decoder trusts, both upload and check refusing a bomb
 * before decoding, and the bounds on reading PNG text chunks.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../cli/png';
import { checkMedia } from '../../src/check/checkMedia';
import { decodeMediaFile } from '../../src/input/browserDecode';
import { checkImageHeader, readImageSize } from '../../src/input/imageHeader';
import { readPngHeader } from '../../src/input/pngHeader';
import { MAX_PNG_TEXT_BYTES, MAX_PNG_TEXT_CHUNKS, pngChunk, readPngText } from '../../src/media/png';
import { bmpHeader, gifHeader, jpegHeader, pngHeaderBytes, webpHeader } from '../fixtures/imageHeaders';

describe('image sizes from headers', () => {
  it.each([
    ['png', pngHeaderBytes(640, 480), 640, 480],
    ['interlaced png (the browser decodes it)', pngHeaderBytes(640, 480, 1), 640, 480],
    ['jpeg past APP0, DHT and a fill byte', jpegHeader(1920, 1080), 1920, 1080],
    ['lossy webp, scale bits ignored', webpHeader('VP8 ', 640 | 0x4000, 480), 640, 480],
    ['lossless webp', webpHeader('VP8L', 1000, 700), 1000, 700],
    ['extended webp', webpHeader('VP8X', 20000, 10), 20000, 10],
    ['gif', gifHeader(320, 200), 320, 200],
    ['top-down bmp', bmpHeader(640, -480), 640, 480],
  ])('reads the size of a %s', (_, bytes, width, height) => {
    expect(readImageSize(bytes)).toMatchObject({ width, height });
  });

  it('gives null for a cut header, a JPEG whose scan comes before any frame header, and other bytes', () => {
    const jpeg = jpegHeader(1920, 1080);
    for (let cut = 0; cut < jpeg.length - 10; cut++) expect(readImageSize(jpeg.subarray(0, cut))).toBeNull();
    expect(readImageSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(readImageSize(webpHeader('VP8 ', 64, 64).subarray(0, 29))).toBeNull();
    expect(readImageSize(new TextEncoder().encode('not an image at all'))).toBeNull();
  });

  it('refuses 10000x10000 and a 20000-wide strip from the header, and a header with no size', () => {
    expect(() => checkImageHeader(pngHeaderBytes(10000, 10000), 'big.png')).toThrow(/big\.png is 10000x10000/);
    expect(() => checkImageHeader(webpHeader('VP8X', 20000, 10), 'strip.webp')).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(() => checkImageHeader(Uint8Array.from([1, 2, 3]), 'x.png')).toThrow(expect.objectContaining({ code: 'unreadable', message: expect.stringMatching(/header does not give its size/) }));
    expect(checkImageHeader(jpegHeader(7680, 4320), 'eight-k.jpg')).toMatchObject({ width: 7680, height: 4320 });
  });

  it('upload and check refuse a PNG bomb from its header, before any image decoder runs', async () => {
    // No createImageBitmap in Node: reaching it would fail as "unreadable", not "too-large".
    const bomb = Uint8Array.from([...pngHeaderBytes(10000, 10000), ...pngChunk('IDAT', deflateSync(new Uint8Array(1000)))]);
    const file = { name: 'bomb.png', type: 'image/png', bytes: bomb.buffer };
    await expect(decodeMediaFile(file, 8, () => ({ width: 56, height: 32 }))).rejects.toMatchObject({ code: 'too-large', message: expect.stringMatching(/10000x10000/) });
    expect(await checkMedia({ ...file, bytes: bomb.slice().buffer })).toMatchObject({ ok: false, code: 'too-large', message: expect.stringMatching(/10000x10000/) });
  });
});

describe('PNG IHDR', () => {
  it('gives the exact inflated size: rows of packed samples plus a filter byte each', () => {
    expect(readPngHeader(pngHeaderBytes(5, 3), 'a.png')).toMatchObject({ width: 5, height: 3, channels: 3, rowBytes: 15, inflatedBytes: 48 });
    const gray1 = Uint8Array.from(pngHeaderBytes(9, 2)).fill(1, 24, 25).fill(0, 25, 26);
    expect(readPngHeader(gray1, 'a.png')).toMatchObject({ bitDepth: 1, colourType: 0, rowBytes: 2, inflatedBytes: 6 });
  });
});

describe('PNG text chunks, bounded', () => {
  const withText = (chunks: Uint8Array[]) => Buffer.concat([encodePng(2, 2, new Uint8ClampedArray(16)).subarray(0, 33), ...chunks]);
  const tEXt = (keyword: string, value: string | Uint8Array) => pngChunk('tEXt', Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), typeof value === 'string' ? Buffer.from(value) : value]));

  it(`reads at most ${MAX_PNG_TEXT_CHUNKS} text chunks of a file with 1000`, () => {
    const text = readPngText(withText(Array.from({ length: 1000 }, (_, i) => tEXt(`k${i}`, 'v'))));
    expect(Object.keys(text)).toHaveLength(MAX_PNG_TEXT_CHUNKS);
    expect(text.k0).toBe('v');
  });

  it(`skips a text chunk over ${MAX_PNG_TEXT_BYTES} bytes without decoding it, and reads the next`, () => {
    const text = readPngText(withText([tEXt('huge', new Uint8Array(MAX_PNG_TEXT_BYTES).fill(0x61)), tEXt('tessera', '{}')]));
    expect(text).toEqual({ tessera: '{}' });
  });
});
