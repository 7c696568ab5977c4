import { describe, expect, it } from 'vitest';
import { describeValue, MAX_DESCRIPTION_CHARS } from '../../src/models/describeValue';
import { MAX_JSON_DEPTH, ManifestError, parseManifest } from '../../src/models/manifest';
import { validManifestJson } from '../fixtures/manifestFixture';

/** `value` inside `depth` arrays (or objects), built without recursion. */
function nested(depth: number, inArrays: boolean, value: unknown = 1): unknown {
  let result = value;
  for (let i = 0; i < depth; i++) result = inArrays ? [result] : { k: result };
  return result;
}

function refusal(json: unknown): ManifestError {
  try {
    parseManifest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted a nested manifest');
}

describe('deeply nested manifests', () => {
  describe.each([5_000, 100_000])('%i levels', (depth) => {
    it.each([true, false])('as the whole manifest (arrays: %s) is a ManifestError, not a RangeError', (inArrays) => {
      const error = refusal(nested(depth, inArrays));
      expect(error.code).toBe('too-deep');
      expect(error.message.length).toBeLessThan(400);
    });

    it.each([
      ['format', (m: Record<string, any>, v: unknown) => (m.format = v)],
      ['video.frameCounts[0]', (m: Record<string, any>, v: unknown) => (m.video.frameCounts[0] = v)],
      ['tokenizer.vocab[2]', (m: Record<string, any>, v: unknown) => (m.tokenizer.vocab[2] = v)],
      ['an unknown field', (m: Record<string, any>, v: unknown) => (m.extra = v)],
    ])('in %s is refused as too deep, naming where', (_, put) => {
      const json = validManifestJson();
      put(json, nested(depth, true));
      const error = refusal(json);
      expect(error.code).toBe('too-deep');
      expect(error.message).toContain(`more than ${MAX_JSON_DEPTH} levels`);
      expect(error.field.length).toBeLessThanOrEqual(120);
    });
  });

  it('accepts nesting up to the limit in an unknown field and refuses one more level', () => {
    const json = validManifestJson();
    // The root is level 0 and `extra`'s outermost array level 1, so its innermost is level MAX_JSON_DEPTH.
    json.extra = nested(MAX_JSON_DEPTH, true);
    expect(() => parseManifest(json)).not.toThrow();
    json.extra = nested(MAX_JSON_DEPTH + 1, true);
    const error = refusal(json);
    expect(error.code).toBe('too-deep');
    expect(error.field).toBe(`extra${'[0]'.repeat(MAX_JSON_DEPTH)}`);
  });

  it('refuses a cycle instead of walking it forever', () => {
    const json = validManifestJson();
    json.extra = { self: json };
    expect(refusal(json).code).toBe('too-deep');
  });
});

describe('describeValue', () => {
  it.each([5_000, 100_000])('renders %i nested arrays shortly', (depth) => {
    expect(describeValue(nested(depth, true))).toBe('[[[[...]]]]');
    expect(describeValue(nested(depth, false))).toBe('{"k":{"k":{"k":{...}}}}');
  });

  it('cuts long strings, wide arrays and wide objects to its length limit', () => {
    const huge = 'x'.repeat(10_000_000);
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    const keys = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}`, i]));
    for (const value of [huge, wide, keys, [huge, huge], { [huge]: 1 }]) {
      const text = describeValue(value);
      expect(text.length).toBe(MAX_DESCRIPTION_CHARS);
      expect(text.endsWith('...')).toBe(true);
    }
    expect(describeValue(wide)).toBe(`[${wide.slice(0, 30).join(',')}`.slice(0, MAX_DESCRIPTION_CHARS - 3) + '...');
  });

  it('renders short values as JSON does, and names what JSON cannot hold', () => {
    expect(describeValue({ a: [1, 'b', null, true] })).toBe('{"a":[1,"b",null,true]}');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(10n)).toBe('10n');
  });
});

describe('ManifestError', () => {
  it('keeps a field named by a hostile key short', () => {
    const json = validManifestJson();
    json.video.sizes = { ['9'.repeat(1_000_000)]: { width: 32, height: 32 } };
    const error = refusal(json);
    expect(error.code).toBe('invalid-value');
    expect(error.field.length).toBe(120);
    expect(error.message.length).toBeLessThan(400);
  });
});
