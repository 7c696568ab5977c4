/**
 * Wan2.1's 3-D rotary position tables, as real cos/sin (the official code multiplies complex float64
 * numbers; a graph takes them as float32). head_dim/2 frequencies are split over the token's three
 * axes: time gets d_t/2 with d_t = head_dim − 4·⌊head_dim/6⌋, height and width d_h/2 each with
 * d_h = 2·⌊head_dim/6⌋; frequency k of an axis of d dimensions is theta^(−2k/d), and a token's angle
 * is its position on the axis times that frequency. Tokens are in (t, h, w) row-major order, time
 * slowest, as the DiT flattens its patches. converter/wan/rope.py computes the same tables and a golden
 * fixture holds the two together.
 */

/** cos and sin, each [tokens, headDim/2] row-major. */
export interface RopeTables {
  readonly cos: Float32Array;
  readonly sin: Float32Array;
  readonly tokens: number;
}

/** The tables for a grid of `frames` × `height` × `width` tokens (patches, not pixels). */
export function ropeTables(headDim: number, frames: number, height: number, width: number, theta: number): RopeTables {
  const spatial = 2 * Math.floor(headDim / 6);
  const temporal = headDim - 2 * spatial;
  const axes = [axisFrequencies(temporal, theta), axisFrequencies(spatial, theta), axisFrequencies(spatial, theta)] as const;
  const half = headDim / 2;
  const tokens = frames * height * width;
  const cos = new Float32Array(tokens * half);
  const sin = new Float32Array(tokens * half);
  let row = 0;
  for (let t = 0; t < frames; t++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++, row++) {
        let column = row * half;
        for (const [axis, position] of [[axes[0], t], [axes[1], h], [axes[2], w]] as const) {
          for (const frequency of axis) {
            const angle = position * frequency;
            cos[column] = Math.cos(angle);
            sin[column] = Math.sin(angle);
            column++;
          }
        }
      }
    }
  }
  return { cos, sin, tokens };
}

/** The d/2 frequencies of an axis of `d` dimensions, in float64 and in the official code's order of operations (1 / theta^(2k/d)). */
function axisFrequencies(d: number, theta: number): number[] {
  return Array.from({ length: d / 2 }, (_, k) => 1 / theta ** ((2 * k) / d));
}
