/**
 * The seeds of "Generate N": the first is the base seed itself, the others follow from it by a fixed
 * integer hash, so the same base always gives the same N seeds (a fixed seed reproduces the whole
 * set) and they are distinct.
 */

/** A 32-bit integer hash (the "lowbias32" finaliser): neighbouring inputs give unrelated outputs. */
function hash32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** `count` distinct uint32 seeds starting with `baseSeed`. */
export function variationSeeds(baseSeed: number, count: number): number[] {
  if (!Number.isInteger(baseSeed) || baseSeed < 0 || baseSeed > 0xffffffff) throw new RangeError(`base seed ${baseSeed} is not an integer from 0 to 4294967295`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`variation count ${count} is not a positive integer`);
  const seeds = [baseSeed];
  let state = baseSeed;
  while (seeds.length < count) {
    state = hash32(state + 0x9e3779b9);
    // A repeat is astronomically rare but would make two identical clips: take the next value instead.
    if (!seeds.includes(state)) seeds.push(state);
  }
  return seeds;
}
