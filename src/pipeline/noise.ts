/**
 * Seeded Gaussian noise that is bit-identical on every platform, so a seed typed in the browser
 * reproduces the same clip in the CLI.
 *
 * Uniforms come from mulberry32 (a 32-bit PRNG by Tommy Ettinger: one 32-bit state, integer ops
 * only). Gaussians come from Box–Muller. `Math.log`, `Math.cos` and `Math.sin` are only
 * "implementation-approximated" in ECMAScript and differ in the last bit between engines, so this
 * file computes them with series made of +, −, ×, ÷ alone, which IEEE 754 rounds identically
 * everywhere; `Math.sqrt` is correctly rounded by every engine (it maps to the IEEE instruction).
 */

const TWO_POW_32 = 4294967296;
const LN2 = 0.6931471805599453;

/** mulberry32: returns a generator of uint32 values for a uint32 seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** ln(k / 2^32) for an integer k in [1, 2^32], portable: exponent by clz32, mantissa by atanh series. */
export function logOfUint32Fraction(k: number): number {
  if (k >= TWO_POW_32) return 0;
  const exponent = 31 - Math.clz32(k);
  let mantissa = k / 2 ** exponent; // in [1, 2), exact: division by a power of two
  let power = exponent - 32;
  if (mantissa > Math.SQRT2) {
    mantissa /= 2;
    power += 1;
  }
  // ln m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.172: 12 odd terms reach double precision.
  const s = (mantissa - 1) / (mantissa + 1);
  const s2 = s * s;
  let series = 0;
  for (let n = 23; n >= 1; n -= 2) series = series * s2 + 1 / n;
  return power * LN2 + 2 * s * series;
}

/** [cos, sin] of a quarter-turn fraction x·π/2 for x in [0, 0.5], by Taylor series (|angle| ≤ π/4). */
function cosSinQuarter(x: number): [number, number] {
  const a = x * (Math.PI / 2);
  const a2 = a * a;
  let cos = 1;
  let sin = 1;
  for (let n = 20; n >= 2; n -= 2) cos = 1 - (a2 / (n * (n - 1))) * cos;
  for (let n = 21; n >= 3; n -= 2) sin = 1 - (a2 / (n * (n - 1))) * sin;
  return [cos, a * sin];
}

/** [cos, sin] of 2π·(k / 2^32) for an integer k in [0, 2^32), portable. */
export function cosSinOfUint32Turn(k: number): [number, number] {
  const quarters = (k / TWO_POW_32) * 4; // exact: k has 32 bits, a double 53
  const quadrant = Math.floor(quarters);
  const f = quarters - quadrant;
  let [c, s] = f <= 0.5 ? cosSinQuarter(f) : cosSinQuarter(1 - f);
  if (f > 0.5) [c, s] = [s, c];
  switch (quadrant) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

/**
 * `count` standard-normal samples for `seed` (a uint32). Pairs of uint32 (k1, k2) give
 * r = sqrt(−2 ln((k1 + 1) / 2^32)), θ = 2π k2 / 2^32, then r·cos θ and r·sin θ in that order.
 */
export function gaussianNoise(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * logOfUint32Fraction(next() + 1));
    const [cos, sin] = cosSinOfUint32Turn(next());
    out[i] = radius * cos;
    if (i + 1 < count) out[i + 1] = radius * sin;
  }
  return out;
}

/**
 * The seed of the fresh noise a re-noising sampler (`Scheduler.needsNoise`) draws at step `step` of
 * a run seeded `seed`: the seed moved by (step + 1) golden-ratio increments, so within a run every
 * step's noise is its own stream, distinct from the initial noise's, and a seed still fixes it all.
 */
export function stepNoiseSeed(seed: number, step: number): number {
  return (seed + Math.imul(0x9e3779b9, step + 1)) >>> 0;
}
