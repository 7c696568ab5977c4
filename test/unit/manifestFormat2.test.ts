/**
 * Manifest format 2 (an `architecture` key, graph roles declared per architecture, the schedulers the
 * registry has) and the migration of format 1, which every published pack uses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { graphRoles, ManifestError, parseManifest, type ManifestErrorCode } from '../../src/models/manifest';
import { SCHEDULER_TYPES } from '../../src/schedulers/registry';
import { validManifestJson, wanLikeManifestJson } from '../fixtures/manifestFixture';

/** The fixture as format 2 names it. */
function format2Json(): Record<string, any> {
  return { ...validManifestJson(), formatVersion: 2, architecture: 'tessera-tiny' };
}

function refusedWith(json: unknown): ManifestError {
  try {
    parseManifest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted an invalid manifest');
}

function expectRefused(json: unknown, code: ManifestErrorCode, field: string): ManifestError {
  const error = refusedWith(json);
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  expect(error.message).toContain(field);
  return error;
}

const PUBLISHED_PACKS = ['public/models/tessera-tiny/manifest.json', 'public/models/tessera-tiny-fp32/manifest.json'];

describe('manifest format 1, migrated on read', () => {
  it.each(PUBLISHED_PACKS)('reads the published %s as format 2, architecture tessera-tiny with its four graphs', (path) => {
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json.formatVersion).toBe(1);
    const manifest = parseManifest(json);
    expect(manifest).toMatchObject({ formatVersion: 2, architecture: 'tessera-tiny' });
    expect(graphRoles(manifest)).toEqual(['textEncoder', 'dit', 'vaeDecoder', 'vaeEncoder']);
    expect(manifest.files.map((f) => f.role).sort()).toEqual(['dit', 'textEncoder', 'vaeDecoder', 'vaeEncoder']);
  });

  it('gives the same manifest as the same pack written in format 2', () => {
    expect(parseManifest(validManifestJson(), 'https://example.com/p/')).toEqual(parseManifest(format2Json(), 'https://example.com/p/'));
  });

  it('keeps every field path of format 1 in its errors', () => {
    const json = validManifestJson();
    json.files[2].role = 'decoder';
    expectRefused(json, 'invalid-value', 'files[2].role');
    const bad = validManifestJson();
    bad.video.frameCounts = [1, 10];
    expectRefused(bad, 'invalid-frame-count', 'video.frameCounts[1]');
  });

  it('refuses an architecture key in format 1, which has none', () => {
    const error = expectRefused({ ...validManifestJson(), architecture: 'tessera-tiny' }, 'invalid-value', 'architecture');
    expect(error.message).toContain('formatVersion 2');
  });
});

describe('manifest format 2', () => {
  it('requires the architecture and names the known ones for an unknown one', () => {
    const { architecture: _, ...missing } = format2Json();
    expectRefused(missing, 'missing-field', 'architecture');
    const error = expectRefused({ ...format2Json(), architecture: 'ltx-video' }, 'invalid-value', 'architecture');
    expect(error.message).toContain('"ltx-video"');
    expect(error.message).toContain('tessera-tiny');
  });

  it("checks the files against the architecture's roles: each once, none other, external data of one of them", () => {
    const unknown = format2Json();
    unknown.files.push({ role: 'transformer', path: 'transformer.onnx', bytes: 5, sha256: 'e'.repeat(64) });
    const error = expectRefused(unknown, 'invalid-value', 'files[4].role');
    expect(error.message).toContain('textEncoder, dit, vaeDecoder, vaeEncoder, externalData');

    const missing = format2Json();
    missing.files.splice(3, 1);
    const noEncoder = expectRefused(missing, 'invalid-value', 'files');
    expect(noEncoder.message).toContain('has 3 entries, expected 4');

    const replaced = format2Json();
    replaced.files[3] = { role: 'dit', path: 'dit2.onnx', bytes: 5, sha256: 'e'.repeat(64) };
    const twice = expectRefused(replaced, 'duplicate', 'files');
    expect(twice.message).toContain('2 files with role "dit"');

    const externalOf = format2Json();
    externalOf.files.push({ role: 'externalData', of: 'transformer', path: 'x.data', bytes: 5, sha256: 'e'.repeat(64) });
    expectRefused(externalOf, 'invalid-value', 'files[4].of');
  });

  it('accepts every scheduler type the registry has, and refuses others at scheduler.type', () => {
    for (const type of SCHEDULER_TYPES) {
      const json = format2Json();
      json.scheduler.type = type;
      expect(parseManifest(json).scheduler.type).toBe(type);
    }
    const json = format2Json();
    json.scheduler.type = 'dpm-solver';
    const error = expectRefused(json, 'invalid-value', 'scheduler.type');
    expect(error.message).toContain('flow-match-euler, flow-match-lcm');
  });

  it('holds format 2 packs to the same compute bounds as format 1', () => {
    const json: Record<string, any> = { ...wanLikeManifestJson(), formatVersion: 2, architecture: 'tessera-tiny' };
    expect(parseManifest(json).video.frameCounts).toEqual([1, 17, 33]);
    json.video.sizes['16:9'] = { width: 832, height: 480 };
    json.video.frameCounts = [1, 81];
    const error = expectRefused(json, 'exceeds-limit', 'video.sizes.16:9 × video.frameCounts[1]');
    expect(error.message).toContain('32,760 tokens');
    // The same pack in format 1 is refused alike.
    const { architecture: _, ...format1 } = json;
    expect(refusedWith({ ...format1, formatVersion: 1 }).message).toBe(error.message);
  });
});
