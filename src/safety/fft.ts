/** In-place radix-2 complex FFT in 1-D and 2-D (square, power-of-two sides), for the watermark. */

interface Plan {
  reversed: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  const cached = plans.get(n);
  if (cached) return cached;
  if (n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${n}`);
  const bits = Math.log2(n);
  const reversed = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  const made = { reversed, cos, sin };
  plans.set(n, made);
  return made;
}

/**
 * Transforms n values starting at `offset` with `stride` in place (forward: e^{-2πikn/N}).
 * `inverse` uses the conjugate twiddles and scales by 1/n.
 */
export function fftStrided(re: Float64Array, im: Float64Array, n: number, offset: number, stride: number, inverse: boolean): void {
  const { reversed, cos, sin } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = reversed[i]!;
    if (i < j) {
      const a = offset + i * stride;
      const b = offset + j * stride;
      const tr = re[a]!;
      re[a] = re[b]!;
      re[b] = tr;
      const ti = im[a]!;
      im[a] = im[b]!;
      im[b] = ti;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = offset + (start + k) * stride;
        const b = a + half * stride;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      const a = offset + i * stride;
      re[a] = re[a]! / n;
      im[a] = im[a]! / n;
    }
  }
}

/**
 * 2-D FFT of an n×n row-major complex array, in place. `rows`, when given, lists the only rows that
 * hold non-zero values (an inverse transform of a band-limited spectrum skips the empty rows).
 */
export function fft2d(re: Float64Array, im: Float64Array, n: number, inverse: boolean, rows?: readonly number[]): void {
  if (rows) {
    for (const row of rows) fftStrided(re, im, n, row * n, 1, inverse);
  } else {
    for (let row = 0; row < n; row++) fftStrided(re, im, n, row * n, 1, inverse);
  }
  for (let col = 0; col < n; col++) fftStrided(re, im, n, col, n, inverse);
}
