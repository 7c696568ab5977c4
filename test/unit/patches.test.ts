import { describe, expect, it } from 'vitest';
import { patchify, patchPositions, tokenGrid, unpatchify } from '../../src/architectures/tessera-tiny/patches';
import type { LatentDims } from '../../src/pipeline/latents';

const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe('patchify', () => {
  // latent[c, f, row, col] = ((c·2 + f)·2 + row)·4 + col, so each value names its position.
  const dims: LatentDims = { channels: 2, frames: 2, height: 2, width: 4 };
  const patch = { t: 1, h: 2, w: 2 };

  it('follows the documented token layout (hand-computed)', () => {
    const tokens = patchify(iota(32), dims, patch);
    expect(tokenGrid(dims, patch)).toEqual({ t: 2, y: 1, x: 2, count: 4, size: 8 });
    expect([...tokens]).toEqual([
      ...[0, 1, 4, 5, 16, 17, 20, 21], // t0 x0: c0 then c1, each (dy, dx) row-major
      ...[2, 3, 6, 7, 18, 19, 22, 23], // t0 x1
      ...[8, 9, 12, 13, 24, 25, 28, 29], // t1 x0
      ...[10, 11, 14, 15, 26, 27, 30, 31], // t1 x1
    ]);
  });

  it('gives positions [t, y, x] in token order', () => {
    expect([...patchPositions(dims, patch)]).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1]);
  });

  it('puts temporal patch offsets before spatial ones inside a token', () => {
    // C=1, T=2, h=2, w=2 with patch 2x1x2: token y holds latent[0, dt, y, dx] at dt·2 + dx.
    const tokens = patchify(iota(8), { channels: 1, frames: 2, height: 2, width: 2 }, { t: 2, h: 1, w: 2 });
    expect([...tokens]).toEqual([0, 1, 4, 5, 2, 3, 6, 7]);
  });

  it.each([
    [{ channels: 16, frames: 9, height: 8, width: 14 }, { t: 1, h: 2, w: 2 }],
    [{ channels: 3, frames: 4, height: 6, width: 9 }, { t: 2, h: 3, w: 3 }],
    [{ channels: 1, frames: 1, height: 1, width: 1 }, { t: 1, h: 1, w: 1 }],
  ])('round-trips %o with patch %o', (d, p) => {
    const n = d.channels * d.frames * d.height * d.width;
    const latent = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const tokens = patchify(latent, d, p);
    expect(unpatchify(tokens, d, p)).toEqual(latent);
  });

  it('refuses latents that do not tile into patches or have the wrong length', () => {
    expect(() => patchify(iota(6), { channels: 1, frames: 1, height: 2, width: 3 }, patch)).toThrow(/not divisible/);
    expect(() => patchify(iota(5), dims, patch)).toThrow(/expected 32/);
  });
});
