/**
 * Per-segment seeds derived from the board's seed, so a board re-rendered with the same seed gives
 * the same frames. Segment 0 takes the board's seed itself: a one-card board renders exactly what
 * `npm run generate -- --prompt … --seed <seed>` does.
 */

/** The seed of segment `index` (0-based) of a board with seed `boardSeed`: a uint32. */
export function segmentSeed(boardSeed: number, index: number): number {
  if (index === 0) return boardSeed >>> 0;
  // A murmur3-style finaliser of (seed, index): neighbouring indices get unrelated seeds.
  let h = (boardSeed ^ Math.imul(index, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
