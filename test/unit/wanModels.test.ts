/**
 * Tessera's Wan2.1 DiT and umT5 encoder (converter/wan/dit.py, umt5.py) on the tiny config.
 * converter/wan/selftest_models.py checks strict loading of the real checkpoints' key names and shapes
 * (test/fixtures/wan21/model-keys-tiny.json), the rope tables against the formula, then exports both
 * graphs; here onnxruntime-node runs them at two shapes each (T, h, w and L are dynamic) and must
 * reproduce the torch outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';

const PYTHON = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
const TOLERANCE = 1e-4;

interface Encoded {
  dims: number[];
  data: string;
}
interface Case {
  inputs: Record<string, Encoded>;
  outputs: Record<string, Encoded>;
}
interface Cases {
  dit: Case[];
  textEncoder: Case[];
  rope: { formula: number; complex: number };
}

let dir = '';
let cases: Cases;

function floats(encoded: Encoded): Float32Array {
  const bytes = Buffer.from(encoded.data, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function replay(graph: string, c: Case): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(join(dir, graph), { intraOpNumThreads: 1 });
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, value] of Object.entries(c.inputs)) feeds[name] = new ort.Tensor('float32', floats(value), value.dims);
  const result = await session.run(feeds);
  const diffs: Record<string, number> = {};
  for (const [name, expected] of Object.entries(c.outputs)) {
    expect(result[name]!.dims).toEqual(expected.dims);
    diffs[name] = maxAbsDiff(result[name]!.data as Float32Array, floats(expected));
  }
  await session.release();
  return diffs;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-wan-models-'));
  const run = spawnSync(PYTHON, ['converter/wan/selftest_models.py', '--out', dir], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`selftest_models.py failed (${run.status}):\n${run.stderr.slice(-3000)}`);
  cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Cases;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Wan DiT and umT5 (torch self-test)', () => {
  it('computes rope tables by the formula and rotates pairs like the complex multiply', () => {
    expect(cases.rope.formula).toBeLessThan(1e-6);
    expect(cases.rope.complex).toBeLessThan(1e-5);
  });
});

describe('Wan graphs on onnxruntime-node', () => {
  it.each([0, 1])('dit.onnx reproduces the torch velocity (case %i)', async (i) => {
    expect((await replay('dit.onnx', cases.dit[i]!)).velocity).toBeLessThan(TOLERANCE);
  });

  it.each([0, 1])('text_encoder.onnx reproduces the torch hidden states (case %i)', async (i) => {
    expect((await replay('text_encoder.onnx', cases.textEncoder[i]!)).hidden_states).toBeLessThan(TOLERANCE);
  });
});
