/** wan2.1's 3-D RoPE tables: the axis split and angles by hand, and converter/wan/rope.py's golden tables. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ropeTables } from '../../src/architectures/wan21/rope';

const GOLDEN = 'test/fixtures/wan21/rope-golden.json';

describe('wan2.1 RoPE tables', () => {
  it('splits head_dim 16 into 4 time, 2 height and 2 width frequencies, angle = position · theta^(−2k/d)', () => {
    const { cos, sin, tokens } = ropeTables(16, 2, 2, 3, 10000);
    expect(tokens).toBe(12);
    expect(cos).toHaveLength(12 * 8);
    // Token (t 1, h 0, w 2) is row 1·6 + 0·3 + 2 = 8 (time slowest).
    const angles = [1, 0.1, 0.01, 0.001, 0, 0, 2, 0.02];
    expect([...cos.subarray(8 * 8, 9 * 8)]).toEqual(angles.map((a) => Math.fround(Math.cos(a))));
    expect([...sin.subarray(8 * 8, 9 * 8)]).toEqual(angles.map((a) => Math.fround(Math.sin(a))));
  });

  it('gives head_dim 128 (the real DiT) 22 + 21 + 21 frequencies', () => {
    const { cos } = ropeTables(128, 1, 1, 2, 10000);
    // Token (0, 0, 1): only the last 21 columns (width) turn.
    const row = [...cos.subarray(64, 128)];
    expect(row.slice(0, 43).every((v) => v === 1)).toBe(true);
    expect(row[43]).toBe(Math.fround(Math.cos(1)));
    expect(row[44]).toBe(Math.fround(Math.cos(10000 ** (-2 / 42))));
  });

  it('matches converter/wan/rope.py exactly (float32)', () => {
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { headDim: number; frames: number; heightTokens: number; widthTokens: number; theta: number; cos: number[]; sin: number[] };
    const { cos, sin } = ropeTables(golden.headDim, golden.frames, golden.heightTokens, golden.widthTokens, golden.theta);
    expect([...cos]).toEqual(golden.cos);
    expect([...sin]).toEqual(golden.sin);
  });
});
