import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { addPngText, crc32, pngChunk, readPngText } from '../../src/media/png';

/** A valid 1×1 RGBA PNG built by hand. */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 1);
  new DataView(ihdr.buffer).setUint32(4, 1);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Uint8Array.of(0, 1, 2, 3, 255))), chunk('IEND', new Uint8Array())];
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('PNG text chunks', () => {
  it('computes the CRC-32 of the standard check string', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes a chunk as length, type, data and the CRC-32 zlib gives for type and data', () => {
    const data = Uint8Array.of(1, 2, 3, 250);
    const out = pngChunk('IDAT', data);
    const view = new DataView(out.buffer);
    expect(out.length).toBe(16);
    expect(view.getUint32(0)).toBe(4);
    expect(new TextDecoder().decode(out.subarray(4, 8))).toBe('IDAT');
    expect([...out.subarray(8, 12)]).toEqual([1, 2, 3, 250]);
    expect(view.getUint32(12)).toBe(zlibCrc32(out.subarray(4, 12)));
  });

  it('writes UTF-8 iTXt chunks after IHDR and reads them back', () => {
    const png = addPngText(tinyPng(), { Software: 'Tessera', Comment: '{"prompt":"un cercle rouge → gauche"}' });
    expect(readPngText(png)).toEqual({ Software: 'Tessera', Comment: '{"prompt":"un cercle rouge → gauche"}' });
    // IHDR stays first, IEND last.
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect(new TextDecoder().decode(png.subarray(png.length - 8, png.length - 4))).toBe('IEND');
  });

  it('refuses a keyword PNG does not allow', () => {
    expect(() => addPngText(tinyPng(), { '': 'x' })).toThrow(/keyword/);
    expect(() => addPngText(tinyPng(), { ['k'.repeat(80)]: 'x' })).toThrow(/keyword/);
  });
});
