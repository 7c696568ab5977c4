/**
 * How many frames each generation mode can add to a story, from the pack's frame counts and its
 * temporal compression g (src/pipeline/videoModes.ts does the same arithmetic when it samples).
 * A sampled clip of F = 1 + g(T−1) frames has T latent frames; with k context groups:
 *
 * | mode | frames it adds to the story (besides the anchor it reaches) |
 * |---|---|
 * | text-to-video | F |
 * | image-to-video | F − 1 (its frame 0 is the keyframe) |
 * | extend (forward) | g(T − 1 − k), the frames after the kept 1 + gk |
 * | extend backward (into an anchor) | 1 + g(T − 1 − k), the frames before the anchor's first k groups |
 * | connect (into an anchor) | g(T − 1 − 2k), between the 1 + gk frames before and the gk after |
 */

export type PieceMode = 'text-to-video' | 'image-to-video' | 'extend' | 'extend-backward' | 'connect';

/** One way to render a piece of a stretch. */
export interface PieceOption {
  readonly mode: PieceMode;
  /** F: frames sampled. */
  readonly sampled: number;
  /** k: latent groups of the source kept (extend and connect). */
  readonly contextGroups?: 1 | 2;
  /** Frames the piece adds to the story, not counting the anchor it reaches. */
  readonly adds: number;
}

interface Counts {
  readonly frameCounts: readonly number[];
  readonly temporalCompression: number;
}

/** Sampled clip lengths that are video (more than one frame) with their latent frame counts T. */
function videoLengths({ frameCounts, temporalCompression: g }: Counts): { F: number; T: number }[] {
  return frameCounts.filter((F) => F > 1 && Number.isInteger((F - 1) / g)).map((F) => ({ F, T: 1 + (F - 1) / g }));
}

/** k = 2 first: more context keeps motion, so it wins a tie. */
const groupChoices = (maxGroups: number): (1 | 2)[] => ([2, 1] as const).filter((k) => k <= maxGroups);

export function textToVideoOptions(counts: Counts): PieceOption[] {
  return videoLengths(counts).map(({ F }) => ({ mode: 'text-to-video', sampled: F, adds: F }));
}

export function imageToVideoOptions(counts: Counts): PieceOption[] {
  return videoLengths(counts).map(({ F }) => ({ mode: 'image-to-video', sampled: F, adds: F - 1 }));
}

/** `maxGroups`: the most groups the story before it can give (its frames − 1, over g). */
export function extendOptions(counts: Counts, maxGroups: number): PieceOption[] {
  const g = counts.temporalCompression;
  return groupChoices(maxGroups).flatMap((k) =>
    videoLengths(counts)
      .filter(({ T }) => T - 1 - k >= 1)
      .map(({ F, T }) => ({ mode: 'extend' as const, sampled: F, contextGroups: k, adds: g * (T - 1 - k) })),
  );
}

/** `maxGroups`: the most groups the anchor can give (a clip's frames over g; a keyframe any). */
export function backwardOptions(counts: Counts, maxGroups: number): PieceOption[] {
  const g = counts.temporalCompression;
  return groupChoices(maxGroups).flatMap((k) =>
    videoLengths(counts)
      .filter(({ T }) => T - 1 - k >= 0)
      .map(({ F, T }) => ({ mode: 'extend-backward' as const, sampled: F, contextGroups: k, adds: 1 + g * (T - 1 - k) })),
  );
}

/** `maxGroups`: the fewer of what the story before and the anchor after can give. */
export function connectOptions(counts: Counts, maxGroups: number): PieceOption[] {
  const g = counts.temporalCompression;
  return groupChoices(maxGroups).flatMap((k) =>
    videoLengths(counts)
      .filter(({ T }) => T - 1 - 2 * k >= 1)
      .map(({ F, T }) => ({ mode: 'connect' as const, sampled: F, contextGroups: k, adds: g * (T - 1 - 2 * k) })),
  );
}

/**
 * The pieces whose frames add up closest to `wanted`, then the fewest pieces: one of `first`, any
 * number of `middle`, and, when the stretch ends at an anchor, one of `last` (or a single piece of
 * `single` that goes straight into the anchor). Undefined when no option exists at all.
 */
export function choosePieces(
  wanted: number,
  options: { first: PieceOption[]; middle: PieceOption[]; last?: PieceOption[]; single?: PieceOption[] },
): PieceOption[] | undefined {
  const { first, middle, last, single = [] } = options;
  let best: { miss: number; count: number; pieces: () => PieceOption[] } | undefined;
  const consider = (total: number, count: number, pieces: () => PieceOption[]) => {
    const miss = Math.abs(total - wanted);
    if (!best || miss < best.miss || (miss === best.miss && count < best.count)) best = { miss, count, pieces };
  };
  for (const piece of single) consider(piece.adds, 1, () => [piece]);
  if (first.length > 0 && (last === undefined || last.length > 0)) {
    const longest = Math.max(1, ...middle.map((o) => o.adds));
    const reach = fewestPieces(middle, Math.max(0, wanted) + longest);
    for (const head of first) {
      for (const tail of last ?? [undefined]) {
        const fixed = head.adds + (tail?.adds ?? 0);
        for (let sum = 0; sum < reach.count.length; sum++) {
          const count = reach.count[sum]!;
          if (!Number.isFinite(count)) continue;
          consider(fixed + sum, 1 + count + (tail ? 1 : 0), () => [head, ...reach.pieces(sum), ...(tail ? [tail] : [])]);
          if (fixed + sum > wanted) break; // longer sums only miss by more
        }
      }
    }
  }
  return best?.pieces();
}

/** For every sum up to `max`: the fewest `options` adding up to it (Infinity if none) and those pieces. */
function fewestPieces(options: PieceOption[], max: number): { count: number[]; pieces: (sum: number) => PieceOption[] } {
  const count = Array.from({ length: max + 1 }, (_, s) => (s === 0 ? 0 : Infinity));
  const via: (PieceOption | undefined)[] = Array.from({ length: max + 1 }, () => undefined);
  for (let s = 1; s <= max; s++) {
    for (const option of options) {
      if (option.adds <= s && count[s - option.adds]! + 1 < count[s]!) {
        count[s] = count[s - option.adds]! + 1;
        via[s] = option;
      }
    }
  }
  const pieces = (sum: number) => {
    const out: PieceOption[] = [];
    for (let s = sum; s > 0; s -= via[s]!.adds) out.push(via[s]!);
    return out;
  };
  return { count, pieces };
}
