/**
 * Spacetime patches (docs/model-pack.md, "Patches"): the latent [C, T, h, w] becomes N tokens of
 * P = C·pt·ph·pw values. Tokens run over the patch grid (t, y, x) row-major, x fastest; inside a
 * token, element c·(pt·ph·pw) + (dt·ph + dy)·pw + dx holds latent[c, t·pt+dt, y·ph+dy, x·pw+dx].
 */
import type { PatchSpec } from '../../models/manifest';
import type { LatentDims } from '../../pipeline/latents';

/** The patch grid of a latent and the token sizes it gives. */
export interface TokenGrid {
  readonly t: number;
  readonly y: number;
  readonly x: number;
  /** N: number of tokens. */
  readonly count: number;
  /** P: values per token. */
  readonly size: number;
}

/** The patch grid for a latent; throws RangeError when a latent side is not a multiple of its patch. */
export function tokenGrid(dims: LatentDims, patch: PatchSpec): TokenGrid {
  if (dims.frames % patch.t || dims.height % patch.h || dims.width % patch.w) {
    throw new RangeError(
      `latent ${dims.frames}x${dims.height}x${dims.width} is not divisible by patch ${patch.t}x${patch.h}x${patch.w}`,
    );
  }
  const t = dims.frames / patch.t;
  const y = dims.height / patch.h;
  const x = dims.width / patch.w;
  return { t, y, x, count: t * y * x, size: dims.channels * patch.t * patch.h * patch.w };
}

/**
 * Visits every latent element once with its flat latent index and its flat token index; patchify
 * and unpatchify are the two directions of this one mapping, so they cannot disagree.
 */
function forEachElement(dims: LatentDims, patch: PatchSpec, visit: (latentIndex: number, tokenIndex: number) => void): void {
  const grid = tokenGrid(dims, patch);
  const inner = patch.t * patch.h * patch.w;
  const { frames: T, height: H, width: W } = dims;
  for (let c = 0; c < dims.channels; c++) {
    for (let f = 0; f < T; f++) {
      const gt = Math.floor(f / patch.t);
      const dt = f % patch.t;
      for (let row = 0; row < H; row++) {
        const gy = Math.floor(row / patch.h);
        const dy = row % patch.h;
        for (let col = 0; col < W; col++) {
          const gx = Math.floor(col / patch.w);
          const dx = col % patch.w;
          const token = (gt * grid.y + gy) * grid.x + gx;
          const element = c * inner + (dt * patch.h + dy) * patch.w + dx;
          visit(((c * T + f) * H + row) * W + col, token * grid.size + element);
        }
      }
    }
  }
}

/** Latent [C, T, h, w] → tokens [N, P]. */
export function patchify(latent: Float32Array, dims: LatentDims, patch: PatchSpec): Float32Array {
  checkLength(latent, dims, 'latent');
  const tokens = new Float32Array(latent.length);
  forEachElement(dims, patch, (li, ti) => {
    tokens[ti] = latent[li]!;
  });
  return tokens;
}

/** Tokens [N, P] → latent [C, T, h, w]; the inverse of `patchify`. */
export function unpatchify(tokens: Float32Array, dims: LatentDims, patch: PatchSpec): Float32Array {
  checkLength(tokens, dims, 'tokens');
  const latent = new Float32Array(tokens.length);
  forEachElement(dims, patch, (li, ti) => {
    latent[li] = tokens[ti]!;
  });
  return latent;
}

/** `positions` [N, 3]: the patch-grid indices [t, y, x] of each token, as floats. */
export function patchPositions(dims: LatentDims, patch: PatchSpec): Float32Array {
  const grid = tokenGrid(dims, patch);
  const positions = new Float32Array(grid.count * 3);
  let n = 0;
  for (let t = 0; t < grid.t; t++) {
    for (let y = 0; y < grid.y; y++) {
      for (let x = 0; x < grid.x; x++) {
        positions.set([t, y, x], n * 3);
        n++;
      }
    }
  }
  return positions;
}

function checkLength(data: Float32Array, dims: LatentDims, what: string): void {
  const expected = dims.channels * dims.frames * dims.height * dims.width;
  if (data.length !== expected) throw new RangeError(`${what} has ${data.length} values, expected ${expected}`);
}
