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
