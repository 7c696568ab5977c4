/**
 * Where a segment with an overlap takes over from the story. The segment has sampled the story's
 * last latent group again with its own new frames (storyboardPlan.ts `resamples`), so for those
 * positions the story has two renderings: its own frames and the segment's. Any position of the
 * group can be the cut; the one with the smallest step from the story's frame into the segment's
 * next frame wins (the seam choice of video textures and image quilting: cut where the two versions
 * agree best). The cut is hard: every frame is one rendering's or the other's, none is blended.
 *
 * Only the resampled group is a candidate. A cut earlier, inside a pinned group, would put the
 * segment's re-encoded copy of the story's frames before its resampled group, and the step between
 * those two, as large as the seam it would replace, would stand in the story (docs/storyboard.md,
 * "The seam figure").
 */
import { meanAbsDifference } from './storyboardSeams';

/**
 * `story[i]` and `segment[i]` are the same position of the video: the last frame before the overlap
 * group, then the group; `segment` has one frame more, its first new one. Returns i: the story keeps
 * `story[0…i]` and continues with `segment[i + 1…]`. The smallest step wins, the earliest on a tie,
 * so equal renderings cut where the plan's overlap starts.
 */
export function overlapCut(story: readonly Uint8ClampedArray[], segment: readonly Uint8ClampedArray[]): number {
  if (story.length === 0 || segment.length !== story.length + 1) {
    throw new RangeError(`an overlap cut needs the story's frames and one more of the segment's at the same positions; got ${story.length} and ${segment.length}`);
  }
  let best = 0;
  let bestStep = Infinity;
  story.forEach((frame, i) => {
    const step = meanAbsDifference(frame, segment[i + 1]!);
    if (step < bestStep) [best, bestStep] = [i, step];
  });
  return best;
}
