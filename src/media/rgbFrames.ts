/**
 * The raw-frames layout: a clip's RGBA frames packed into one RGB buffer, frame-major, alpha dropped.
 * The engine returns it when a request asks for `includeRawFrames`, and the bench packs native runs
 * the same way to compare them byte for byte.
 */

/** RGBA frames (all the same size) → one RGB buffer, frame after frame. */
export function rgbaFramesToRgb(frames: readonly Uint8ClampedArray[]): Uint8Array {
  const plane = (frames[0]?.length ?? 0) / 4;
  const out = new Uint8Array(frames.length * plane * 3);
  frames.forEach((frame, f) => {
    for (let p = 0; p < plane; p++) {
      out[(f * plane + p) * 3] = frame[p * 4]!;
      out[(f * plane + p) * 3 + 1] = frame[p * 4 + 1]!;
      out[(f * plane + p) * 3 + 2] = frame[p * 4 + 2]!;
    }
  });
  return out;
}
