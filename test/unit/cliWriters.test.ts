import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contactSheet } from '../../src/media/contactSheet';
import { upscaleFrames } from '../../src/media/upscale';
import { encodePng } from '../../cli/png';
import { encodeY4m } from '../../cli/y4m';

const rgba = (...pixels: [number, number, number][]) => Uint8ClampedArray.from(pixels.flatMap(([r, g, b]) => [r, g, b, 255]));

describe('CLI writers', () => {
  it('upscales each pixel to a k×k block', () => {
    const video = upscaleFrames({ width: 2, height: 1, frames: [rgba([1, 2, 3], [4, 5, 6])] }, 2, 'nearest');
    expect(video.width).toBe(4);
    expect(video.height).toBe(2);
    const pixels = [...video.frames[0]!].filter((_, i) => i % 4 === 0);
    expect(pixels).toEqual([1, 1, 4, 4, 1, 1, 4, 4]);
  });

  it('lays 3 frames out in a 2×2 grid, row by row', () => {
    const frame = (v: number) => rgba([v, v, v]);
    const sheet = contactSheet({ width: 1, height: 1, frames: [frame(10), frame(20), frame(30)] });
    expect([sheet.width, sheet.height]).toEqual([2, 2]);
    expect([...sheet.rgba].filter((_, i) => i % 4 === 0)).toEqual([10, 20, 30, 0]);
  });

  it('lays frames out in one row when asked for as many columns as frames (the CLI\'s PNG strip)', () => {
    const frame = (v: number) => rgba([v, v, v]);
    const sheet = contactSheet({ width: 1, height: 1, frames: [frame(10), frame(20), frame(30)] }, 3);
    expect([sheet.width, sheet.height]).toEqual([3, 1]);
    expect([...sheet.rgba].filter((_, i) => i % 4 === 0)).toEqual([10, 20, 30]);
  });

  it('writes a PNG whose header and inflated rows hold the pixels', () => {
    const png = encodePng(2, 1, rgba([255, 0, 0], [0, 128, 255]));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([2, 1, 8, 2]);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('latin1')).toBe('IDAT');
    expect([...inflateSync(png.subarray(41, 41 + idatLength))]).toEqual([0, 255, 0, 0, 0, 128, 255]);
  });

  it('writes y4m with a header, one FRAME per frame and BT.601 limited-range planes', () => {
    const y4m = encodeY4m({ width: 2, height: 1, frames: [rgba([255, 255, 255], [0, 0, 0]), rgba([255, 0, 0], [0, 0, 255])] }, 8);
    const header = 'YUV4MPEG2 W2 H1 F8:1 Ip A1:1 C444 XCOLORRANGE=LIMITED\n';
    expect(y4m.subarray(0, header.length).toString('latin1')).toBe(header);
    const first = y4m.subarray(header.length + 6, header.length + 12);
    expect(y4m.subarray(header.length, header.length + 6).toString('latin1')).toBe('FRAME\n');
    expect([...first]).toEqual([235, 16, 128, 128, 128, 128]); // white, black: Y 235/16, neutral chroma
    const second = y4m.subarray(header.length + 18, header.length + 24);
    expect([...second]).toEqual([81, 41, 90, 240, 240, 110]); // pure red, pure blue (BT.601 studio swing)
    expect(y4m.length).toBe(header.length + 2 * (6 + 6));
  });
});
