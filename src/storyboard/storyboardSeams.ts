/**
 * The seam figure of a rendered story: how abrupt the step between two segments is, against the
 * story's own frame-to-frame change. It is measured as the loop and connect measures are
 * (test/unit/videoModes.pack.test.ts, docs/capabilities.md): in this autoencoder the step from one
 * latent group to the next is about three times a step inside a group, and every seam is such a
 * group-to-group step, so a seam is compared with the story's group-to-group steps, not with all.
 */

/** What the step into a story frame is. */
export type FrameStep =
  /** Frame 0: no step into it. */
  | 'start'
  /** Between two segments, or into a clip used as it is. */
  | 'seam'
  /** Between two latent groups of one sampled clip. */
  | 'group'
  /** Inside one latent group. */
  | 'inner'
  /** Inside a clip used as it is. */
  | 'source';

export interface SeamReport {
  /** Every seam: the story frame it leads into and the mean absolute RGB difference (0..255) of the step. */
  readonly seams: readonly { readonly frame: number; readonly difference: number }[];
  /** Mean of the seams' differences (0 when there is none). */
  readonly meanSeam: number;
  /** Mean difference of the group-to-group steps that are not seams: the clip's own change. */
  readonly meanGroupStep: number;
  /** meanSeam / meanGroupStep: at most 1 means the seams are no more abrupt than the clip's own steps. */
  readonly ratio: number;
  /** The largest seam over meanGroupStep. */
  readonly worstRatio: number;
  /** The largest group-to-group step that is not a seam (the loop table's other yardstick, docs/capabilities.md). */
  readonly largestGroupStep: number;
}

/** Mean absolute difference over R, G and B of two RGBA frames, in 0..255 units. */
export function meanAbsDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) sum += Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!);
  return sum / ((a.length / 4) * 3);
}

/** The seam figure of `frames`, with `steps[i]` saying what the step into frame i is. */
export function measureSeams(frames: readonly Uint8ClampedArray[], steps: readonly FrameStep[]): SeamReport {
  const seams: { frame: number; difference: number }[] = [];
  const groupSteps: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    if (steps[i] === 'seam') seams.push({ frame: i, difference: meanAbsDifference(frames[i - 1]!, frames[i]!) });
    else if (steps[i] === 'group') groupSteps.push(meanAbsDifference(frames[i - 1]!, frames[i]!));
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const meanSeam = mean(seams.map((s) => s.difference));
  const meanGroupStep = mean(groupSteps);
  const over = (x: number) => (meanGroupStep > 0 ? x / meanGroupStep : 0);
  return { seams, meanSeam, meanGroupStep, ratio: over(meanSeam), worstRatio: over(Math.max(0, ...seams.map((s) => s.difference))), largestGroupStep: Math.max(0, ...groupSteps) };
}
