import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StreamingSha256, sha256Hex } from '../../src/cache/sha256';

const node = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

describe('streaming sha256', () => {
  it('matches the known digests of "" and "abc"', async () => {
    expect((await StreamingSha256.create()).hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect((await StreamingSha256.create()).update(new TextEncoder().encode('abc')).hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_001])('hashes %i bytes split anywhere, resuming from a saved state, like node:crypto', async (length) => {
    const data = bytes(length, length);
    for (const split of [0, 1, Math.floor(length / 3), length - 1, length]) {
      const first = (await StreamingSha256.create()).update(data.subarray(0, split));
      const resumed = await StreamingSha256.resume(structuredClone(first.state()));
      expect(resumed!.update(data.subarray(split)).hex()).toBe(node(data));
    }
  });

  it('hashes in slices across task boundaries like one update', async () => {
    const data = bytes(3 * 1024 * 1024 + 77, 5);
    const hasher = await StreamingSha256.create();
    await hasher.updateInSlices(data);
    expect(hasher.hex()).toBe(node(data));
  });

  it('leaves the hasher usable after a digest', async () => {
    const hasher = (await StreamingSha256.create()).update(bytes(100));
    hasher.hex();
    hasher.update(bytes(50, 7));
    const all = new Uint8Array(150);
    all.set(bytes(100));
    all.set(bytes(50, 7), 100);
    expect(hasher.hex()).toBe(node(all));
  });

  it('refuses to resume from the earlier hand-written hasher\'s {h, length, tail} or from bytes it did not save', async () => {
    expect(await StreamingSha256.resume({ h: [1, 2, 3, 4, 5, 6, 7, 8], length: 64, tail: new Uint8Array(0) })).toBeNull();
    expect(await StreamingSha256.resume(new Uint8Array(40))).toBeNull();
    expect(await StreamingSha256.resume(null)).toBeNull();
  });

  it('WebCrypto helper agrees, including on a view into a larger buffer', async () => {
    const data = bytes(5000);
    expect(await sha256Hex(data)).toBe(node(data));
    expect(await sha256Hex(data.subarray(10, 300))).toBe(node(data.subarray(10, 300)));
  });
});
