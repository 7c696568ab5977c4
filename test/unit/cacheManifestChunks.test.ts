import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../../src/models/manifest';
import { validManifestJson } from '../fixtures/manifestFixture';

const hex = (c: string) => c.repeat(64);

/** The fixture with per-chunk hashes on dit.onnx (2000 bytes in chunks of `bytes`). */
function withChunks(chunks: unknown): Record<string, any> {
  const json = validManifestJson();
  json.files[1].bytes = 200_000;
  json.files[1].chunks = chunks;
  return json;
}

describe('manifest per-chunk hashes (files[].chunks)', () => {
  it('keeps a chunk size and one lower-cased sha256 per chunk', () => {
    const manifest = parseManifest(withChunks({ bytes: 65536, sha256: ['A'.repeat(64), hex('b'), hex('c'), hex('d')] }));
    expect(manifest.files[1]!.chunks).toEqual({ bytes: 65536, sha256: [hex('a'), hex('b'), hex('c'), hex('d')] });
    expect(manifest.files[0]!.chunks).toBeUndefined();
  });

  it.each([
    [{ bytes: 65536, sha256: [hex('a'), hex('b'), hex('c')] }, 'invalid-value', 'files[1].chunks.sha256'],
    [{ bytes: 65536 + 1, sha256: [hex('a'), hex('b'), hex('c'), hex('d')] }, 'invalid-value', 'files[1].chunks.bytes'],
    [{ bytes: 1024, sha256: [] }, 'invalid-value', 'files[1].chunks.bytes'],
    [{ bytes: 128 * 1024 * 1024, sha256: [hex('a')] }, 'invalid-value', 'files[1].chunks.bytes'],
    [{ bytes: 65536, sha256: [hex('a'), 'xyz', hex('c'), hex('d')] }, 'bad-sha256', 'files[1].chunks.sha256[1]'],
    [{ sha256: [hex('a')] }, 'missing-field', 'files[1].chunks.bytes'],
    [[1, 2], 'wrong-type', 'files[1].chunks'],
  ])('refuses chunks %j', (chunks, code, field) => {
    try {
      parseManifest(withChunks(chunks));
      expect.unreachable('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as ManifestError).code).toBe(code);
      expect((error as ManifestError).field).toBe(field);
    }
  });
});

describe('manifest per-chunk hashes under fuzzing', () => {
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const WEIRD: unknown[] = [null, 0, -1, 64, 65536, 65537, 1.5, 1e308, NaN, '', 'a'.repeat(64), hex('f'), [], {}, [hex('a')], true];

  it('never throws anything but ManifestError on 2000 mutated chunk lists', () => {
    let accepted = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const next = rng(seed);
      const pick = () => structuredClone(WEIRD[Math.floor(next() * WEIRD.length)]);
      const chunks: Record<string, unknown> = { bytes: 65536, sha256: [hex('a'), hex('b'), hex('c'), hex('d')] };
      const r = next();
      if (r < 0.3) chunks.bytes = pick();
      else if (r < 0.6) (chunks.sha256 as unknown[])[Math.floor(next() * 5)] = pick();
      else if (r < 0.8) chunks.sha256 = pick();
      else if (r < 0.9) delete chunks[next() < 0.5 ? 'bytes' : 'sha256'];
      const json = withChunks(next() < 0.1 ? pick() : chunks);
      try {
        parseManifest(JSON.parse(JSON.stringify(json)));
        accepted++;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw new Error(`seed ${seed}: threw ${String(error)}`);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(2000);
  });
});
