import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, fileFor, type ManifestErrorCode } from '../../src/models/manifest';
import { validManifestJson } from '../fixtures/manifestFixture';

/** Runs `parseManifest` on a mutated fixture and returns the error it threw. */
function refusal(mutate: (m: Record<string, any>) => void): ManifestError {
  const json = validManifestJson();
  mutate(json);
  try {
    parseManifest(json);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted an invalid manifest');
}

function expectRefused(mutate: (m: Record<string, any>) => void, code: ManifestErrorCode, field: string): ManifestError {
  const error = refusal(mutate);
  expect(error.code).toBe(code);
  expect(error.field).toBe(field);
  expect(error.message).toContain(field);
  return error;
}

describe('parseManifest', () => {
  it('accepts the documented shape and keeps its values', () => {
    const manifest = parseManifest(validManifestJson());
    expect(manifest.name).toBe('tessera-tiny');
    expect(manifest.video.sizes['16:9']).toEqual({ width: 56, height: 32 });
    expect(manifest.video.frameCounts).toEqual([1, 9, 17, 25, 33]);
    expect(manifest.scheduler).toEqual({ type: 'flow-match-euler', steps: 20, shift: 2.5, guidance: 4 });
    expect(manifest.preview.weights).toHaveLength(4);
    expect(fileFor(manifest, 'dit').path).toBe('dit.onnx');
    expect(manifest.files[0]!.url).toBeUndefined();
  });

  it('resolves file URLs against the base URL, with or without a trailing slash', () => {
    const a = parseManifest(validManifestJson(), 'https://example.com/models/tessera-tiny');
    const b = parseManifest(validManifestJson(), 'https://example.com/models/tessera-tiny/');
    expect(fileFor(a, 'dit').url).toBe('https://example.com/models/tessera-tiny/dit.onnx');
    expect(fileFor(b, 'dit').url).toBe('https://example.com/models/tessera-tiny/dit.onnx');
  });

  it('refuses a relative base URL where there is no page to resolve it against', () => {
    expect(() => parseManifest(validManifestJson(), 'models/x')).toThrow(ManifestError);
  });

  it('lower-cases sha256 and accepts an externalData file', () => {
    const json = validManifestJson();
    json.files[1].sha256 = 'AB'.repeat(32);
    json.files.push({ role: 'externalData', of: 'dit', path: 'weights/dit.onnx.data', bytes: 5, sha256: 'e'.repeat(64) });
    const manifest = parseManifest(json);
    expect(fileFor(manifest, 'dit').sha256).toBe('ab'.repeat(32));
    expect(manifest.files[4]).toMatchObject({ role: 'externalData', of: 'dit' });
  });

  it('reads runtime.memoryPlan, resident when the pack names none', () => {
    expect(parseManifest(validManifestJson()).runtime).toEqual({ memoryPlan: 'resident' });
    const json = validManifestJson();
    json.runtime = { memoryPlan: 'sequential' };
    expect(parseManifest(json).runtime).toEqual({ memoryPlan: 'sequential' });
  });

  it('refuses a runtime that is not an object or a memory plan it does not know, naming the field', () => {
    expectRefused((m) => (m.runtime = 'sequential'), 'wrong-type', 'runtime');
    expectRefused((m) => (m.runtime = {}), 'missing-field', 'runtime.memoryPlan');
    const error = expectRefused((m) => (m.runtime = { memoryPlan: 'lazy' }), 'invalid-value', 'runtime.memoryPlan');
    expect(error.message).toContain('resident, sequential');
  });

  it('refuses non-objects and other formats', () => {
    for (const value of [null, 3, 'x', [], undefined]) {
      expect(() => parseManifest(value)).toThrow(ManifestError);
    }
    expectRefused((m) => (m.format = 'onnx-pack'), 'wrong-format', 'format');
  });

  it('refuses format versions it does not know, saying which it knows', () => {
    const error = expectRefused((m) => (m.formatVersion = 3), 'unsupported-version', 'formatVersion');
    expect(error.message).toContain('got 3');
    expect(error.message).toContain('knows 1 and 2');
    expectRefused((m) => (m.formatVersion = '1'), 'unsupported-version', 'formatVersion');
  });

  it('refuses a bad sha256', () => {
    expectRefused((m) => (m.files[0].sha256 = 'abc'), 'bad-sha256', 'files[0].sha256');
    expectRefused((m) => (m.files[2].sha256 = 'g'.repeat(64)), 'bad-sha256', 'files[2].sha256');
    expectRefused((m) => delete m.files[3].sha256, 'missing-field', 'files[3].sha256');
  });

  it.each([
    ['../dit.onnx'],
    ['models/../../dit.onnx'],
    ['/etc/passwd'],
    ['https://evil.example/dit.onnx'],
    ['file:dit.onnx'],
    ['C:\\models\\dit.onnx'],
    ['./dit.onnx'],
    ['dit.onnx?x=1'],
    ['a//dit.onnx'],
    [''],
  ])('refuses the path %j, which could leave the pack', (path) => {
    const error = expectRefused((m) => (m.files[1].path = path), 'unsafe-path', 'files[1].path');
    expect(error.message).toContain('relative path');
  });

  it('refuses absurd file sizes and zero sizes', () => {
    expectRefused((m) => (m.files[0].bytes = 17 * 1024 ** 3), 'too-large', 'files[0].bytes');
    expectRefused((m) => (m.files[0].bytes = 0), 'invalid-value', 'files[0].bytes');
    expectRefused((m) => (m.files[0].bytes = 1.5), 'wrong-type', 'files[0].bytes');
  });

  it('refuses a pack missing a role, or with a role twice, or a path twice', () => {
    const error = expectRefused((m) => (m.files[3].role = 'externalData', (m.files[3].of = 'dit')), 'missing-role', 'files');
    expect(error.message).toContain('vaeEncoder');
    expectRefused((m) => (m.files[3].role = 'dit'), 'duplicate', 'files');
    expectRefused((m) => (m.files[3].path = 'dit.onnx'), 'duplicate', 'files[3].path');
    expectRefused((m) => (m.files[2].role = 'unet'), 'invalid-value', 'files[2].role');
  });

  it('refuses frame counts that are not 1 + temporalCompression·k', () => {
    const error = expectRefused((m) => (m.video.frameCounts = [1, 8]), 'invalid-frame-count', 'video.frameCounts[1]');
    expect(error.message).toContain('got 8');
    expectRefused((m) => (m.video.frameCounts = [9, 1]), 'invalid-frame-count', 'video.frameCounts[1]');
    expectRefused((m) => (m.video.frameCounts = [0]), 'invalid-value', 'video.frameCounts[0]');
  });

  it('refuses sizes not divisible by spatialCompression × patch', () => {
    const error = expectRefused((m) => (m.video.sizes['16:9'].width = 52), 'invalid-size', 'video.sizes.16:9');
    expect(error.message).toContain('52x32');
    expect(error.message).toContain('multiple of 8');
    expectRefused((m) => (m.video.sizes = {}), 'invalid-value', 'video.sizes');
    expectRefused((m) => (m.video.sizes = { wide: { width: 8, height: 8 } }), 'invalid-value', 'video.sizes.wide');
  });

  it('refuses a preview projection that does not match the latent channels', () => {
    expectRefused((m) => m.preview.weights.pop(), 'invalid-value', 'preview.weights');
    expectRefused((m) => (m.preview.bias = [0, 0]), 'invalid-value', 'preview.bias');
    expectRefused((m) => (m.preview.weights[1][2] = 'x'), 'wrong-type', 'preview.weights[1][2]');
  });

  it('refuses a tokenizer with duplicate words or ids out of range', () => {
    expectRefused((m) => m.tokenizer.vocab.push('red'), 'duplicate', 'tokenizer.vocab[10]');
    expectRefused((m) => (m.tokenizer.unkId = 99), 'invalid-value', 'tokenizer.unkId');
    expectRefused((m) => (m.tokenizer.unkId = 0), 'invalid-value', 'tokenizer.unkId');
  });

  it('names missing nested fields by their path', () => {
    expectRefused((m) => delete m.latent.channels, 'missing-field', 'latent.channels');
    expectRefused((m) => delete m.scheduler.shift, 'missing-field', 'scheduler.shift');
    expectRefused((m) => (m.scheduler.type = 'ddim'), 'invalid-value', 'scheduler.type');
    expectRefused((m) => (m.dtype = 'int4'), 'invalid-value', 'dtype');
    expectRefused((m) => (m.name = 'Tessera Tiny'), 'invalid-value', 'name');
  });
});

describe('parseManifest: explicit scheduler times', () => {
  it('keeps a distilled checkpoint’s times, one per step, and leaves packs without them unchanged', () => {
    const json = validManifestJson();
    json.scheduler = { type: 'flow-match-lcm', steps: 3, shift: 1, guidance: 1, times: [1, 0.757, 0.522] };
    expect(parseManifest(json).scheduler).toEqual({ type: 'flow-match-lcm', steps: 3, shift: 1, guidance: 1, times: [1, 0.757, 0.522] });
    expect(Object.hasOwn(parseManifest(validManifestJson()).scheduler, 'times')).toBe(false);
  });

  it('refuses times that are not one strictly descending time in (0, 1] per step', () => {
    const withTimes = (times: unknown) => (m: Record<string, any>) => (m.scheduler = { ...m.scheduler, steps: 3, times });
    expect(expectRefused(withTimes([1, 0.5]), 'invalid-value', 'scheduler.times').message).toContain('has 2 times, expected one per step (steps = 3)');
    expect(expectRefused(withTimes([1, 0.5, 0.5]), 'invalid-value', 'scheduler.times[2]').message).toContain('got 0.5 after 0.5, times must be strictly descending');
    expect(expectRefused(withTimes([1, 0.5, 0]), 'invalid-value', 'scheduler.times[2]').message).toContain('times must be above 0');
    expectRefused(withTimes([1.5, 0.5, 0.25]), 'invalid-value', 'scheduler.times[0]');
    expectRefused(withTimes([1, '0.5', 0.25]), 'wrong-type', 'scheduler.times[1]');
    expectRefused(withTimes('1, 0.5, 0.25'), 'wrong-type', 'scheduler.times');
  });
});

describe('parseManifest under fuzzing', () => {
  /** mulberry32: a tiny seeded PRNG so a failure is reproducible from its seed. */
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const WEIRD: unknown[] = [null, 0, -1, 1.5, 1e308, NaN, Infinity, '', '..', '/x', 'a'.repeat(300), true, [], {}, [1, 2, 3], { __proto__: { x: 1 } }];

  function randomValue(next: () => number, depth: number): unknown {
    const r = next();
    if (depth > 2 || r < 0.6) return structuredClone(WEIRD[Math.floor(next() * WEIRD.length)]);
    if (r < 0.8) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, i) => [`k${i}`, randomValue(next, depth + 1)]));
  }

  /** Replaces one randomly chosen value somewhere inside `json`. */
  function mutate(json: any, next: () => number): void {
    let node = json;
    for (;;) {
      const keys = Object.keys(node);
      if (keys.length === 0) return;
      const key = keys[Math.floor(next() * keys.length)]!;
      const value = node[key];
      if (typeof value === 'object' && value !== null && next() < 0.7) {
        node = value;
        continue;
      }
      if (next() < 0.15) delete node[key];
      else node[key] = randomValue(next, 0);
      return;
    }
  }

  it('never throws anything but ManifestError on 3000 mutated manifests', () => {
    let accepted = 0;
    for (let seed = 0; seed < 3000; seed++) {
      const next = rng(seed);
      const json = validManifestJson();
      for (let k = 1 + Math.floor(next() * 3); k > 0; k--) mutate(json, next);
      try {
        parseManifest(JSON.parse(JSON.stringify(json)));
        accepted++;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw new Error(`seed ${seed}: threw ${String(error)}`);
        expect(error.message.length).toBeLessThan(400);
      }
    }
    // Some mutations are harmless (e.g. a description change); most must be refused.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(3000);
  });

  it('never throws anything but ManifestError on random JSON values', () => {
    for (let seed = 0; seed < 2000; seed++) {
      const value = randomValue(rng(seed), 0);
      expect(() => parseManifest(value)).toThrow(ManifestError);
    }
  });
});
