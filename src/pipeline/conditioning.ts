/**
 * Conditioning the flow-matching sampler on known latents: one mechanism behind image-to-video,
 * extend, connect, loop and video-to-video (docs/capabilities.md says why each uses it).
 *
 * - **Known frames** (RePaint-style replacement): after every Euler step from t to t_next, each
 *   known latent frame is overwritten with `(1 − t_next)·z_known + t_next·ε`, where ε is that
 *   frame's own initial noise. The unknown frames are denoised by a DiT that attends to the known
 *   ones at the right noise level, so they continue them; at t = 0 the known frames are exact.
 * - **Start time** (SDEdit): sampling starts at t = `startTime` from `(1 − t)·z_source + t·ε`
 *   instead of at t = 1 from noise: 0 keeps the source, 1 ignores it.
 * - **Tied frames** (loops): pairs of latent frames sampled as one variable. After every step both
 *   take their mean, so each follows the average of the two velocities the DiT predicts for it.
 *
 * Latents here are one clip in the model's layout [C, T, h, w] (no batch); everything is pure.
 */
import { PipelineError } from './errors';
import type { LatentDims } from './patches';

/** What is known about the latent being sampled. All parts are optional and combine. */
export interface LatentConditioning {
  /** Latent frames whose clean values are known, kept on the noise path during sampling. */
  readonly known?: {
    /** [C, T, h, w]; only the frames marked in `frames` are read. */
    readonly latents: Float32Array;
    /** One flag per latent frame: true = known. */
    readonly frames: readonly boolean[];
  };
  /** SDEdit: begin at flow time `time` in [0, 1] from the source latent instead of from noise. */
  readonly start?: {
    /** [C, T, h, w]: the whole source clip's latent. */
    readonly latents: Float32Array;
    readonly time: number;
  };
  /** Pairs of latent frame indices sampled as one (their mean after each step). */
  readonly tied?: readonly (readonly [number, number])[];
  /**
   * Circular sampling of latent frames `from … T−1`: before step i they are rolled by i frames, so
   * the DiT sees a different wrap point next to each other at every step; the velocity is unrolled.
   */
  readonly roll?: { readonly from: number };
}

/** Checks that the conditioning fits a latent of `dims`; throws PipelineError('invalid-conditioning'). */
export function checkConditioning(conditioning: LatentConditioning, dims: LatentDims): void {
  const size = dims.channels * dims.frames * dims.height * dims.width;
  const { known, start, tied } = conditioning;
  if (known) {
    if (known.latents.length !== size) fail(`known latents hold ${known.latents.length} values, the latent ${size}`);
    if (known.frames.length !== dims.frames) fail(`known-frame mask has ${known.frames.length} flags for ${dims.frames} latent frames`);
  }
  if (start) {
    if (start.latents.length !== size) fail(`source latents hold ${start.latents.length} values, the latent ${size}`);
    if (!(start.time >= 0 && start.time <= 1)) fail(`start time ${start.time} is not a number from 0 to 1`);
  }
  if (conditioning.roll && !(Number.isInteger(conditioning.roll.from) && conditioning.roll.from >= 0 && conditioning.roll.from < dims.frames - 1)) {
    fail(`roll from latent frame ${conditioning.roll.from} leaves fewer than 2 frames of 0..${dims.frames - 1} to roll`);
  }
  for (const pair of tied ?? []) {
    if (pair.some((f) => !Number.isInteger(f) || f < 0 || f >= dims.frames) || pair[0] === pair[1]) {
      fail(`tied frames [${pair.join(', ')}] are not two different latent frames of 0..${dims.frames - 1}`);
    }
  }
}

/**
 * The noise to sample from: the seed's noise, with each tied pair sharing its first frame's noise
 * (the mean of two independent noises would have the wrong variance, 1/2 instead of 1).
 */
export function conditionedNoise(noise: Float32Array, conditioning: LatentConditioning, dims: LatentDims): Float32Array {
  const plane = dims.height * dims.width;
  const out = noise.slice();
  for (const [a, b] of conditioning.tied ?? []) {
    for (let c = 0; c < dims.channels; c++) out.copyWithin((c * dims.frames + b) * plane, (c * dims.frames + a) * plane, (c * dims.frames + a + 1) * plane);
  }
  return out;
}

/** The sample to start from at flow time `t0`: noise, the noised source (SDEdit), known frames on their path. */
export function initialSample(noise: Float32Array, conditioning: LatentConditioning, dims: LatentDims, t0: number): Float32Array {
  const sample = noise.slice();
  const { start } = conditioning;
  if (start) {
    for (let i = 0; i < sample.length; i++) sample[i] = (1 - t0) * start.latents[i]! + t0 * noise[i]!;
  }
  return constrain(sample, noise, conditioning, dims, t0);
}

/**
 * Puts the constraints back after a step that reached flow time `t`: known frames onto their noise
 * path, tied frames to their mean. Writes into `sample` and returns it.
 */
export function constrain(sample: Float32Array, noise: Float32Array, conditioning: LatentConditioning, dims: LatentDims, t: number): Float32Array {
  const plane = dims.height * dims.width;
  const { known, tied } = conditioning;
  for (let c = 0; c < dims.channels; c++) {
    for (let f = 0; f < dims.frames; f++) {
      if (!known?.frames[f]) continue;
      const base = (c * dims.frames + f) * plane;
      for (let p = base; p < base + plane; p++) sample[p] = (1 - t) * known.latents[p]! + t * noise[p]!;
    }
    for (const [a, b] of tied ?? []) {
      const baseA = (c * dims.frames + a) * plane;
      const baseB = (c * dims.frames + b) * plane;
      for (let p = 0; p < plane; p++) {
        const mean = (sample[baseA + p]! + sample[baseB + p]!) / 2;
        sample[baseA + p] = mean;
        sample[baseB + p] = mean;
      }
    }
  }
  return sample;
}

/**
 * A warm start for known-frame conditioning: sampling begins at flow time `time` from a latent in
 * which every unknown frame is a copy of the nearest known frame (the earlier one on a tie), so new
 * frames start from the source's objects and colours and the DiT only has to add the change.
 * `time` 1 is a cold start (pure noise) and returns the conditioning unchanged.
 */
export function warmStart(conditioning: LatentConditioning, dims: LatentDims, time: number): LatentConditioning {
  const { known } = conditioning;
  if (!known || time >= 1 || conditioning.start) return conditioning;
  const knownFrames = known.frames.flatMap((isKnown, f) => (isKnown ? [f] : []));
  if (knownFrames.length === 0) return conditioning;
  const plane = dims.height * dims.width;
  const latents = known.latents.slice();
  for (let f = 0; f < dims.frames; f++) {
    if (known.frames[f]) continue;
    const nearest = knownFrames.reduce((best, k) => (Math.abs(k - f) < Math.abs(best - f) ? k : best));
    for (let c = 0; c < dims.channels; c++) latents.copyWithin((c * dims.frames + f) * plane, (c * dims.frames + nearest) * plane, (c * dims.frames + nearest + 1) * plane);
  }
  return { ...conditioning, start: { latents, time } };
}

/** True when the conditioning asks for nothing. */
export function isUnconditioned(conditioning: LatentConditioning | undefined): boolean {
  return !conditioning || (!conditioning.known && !conditioning.start && !conditioning.tied?.length && !conditioning.roll);
}

/** Latent frames `from … T−1` shifted circularly by `shift` (frame f goes to from + (f − from + shift) mod n). */
export function rollFrames(latent: Float32Array, dims: LatentDims, from: number, shift: number): Float32Array {
  const n = dims.frames - from;
  const plane = dims.height * dims.width;
  const s = ((shift % n) + n) % n;
  if (s === 0) return latent;
  const out = latent.slice();
  for (let c = 0; c < dims.channels; c++) {
    for (let f = from; f < dims.frames; f++) {
      const to = from + ((f - from + s) % n);
      out.set(latent.subarray((c * dims.frames + f) * plane, (c * dims.frames + f + 1) * plane), (c * dims.frames + to) * plane);
    }
  }
  return out;
}

function fail(message: string): never {
  throw new PipelineError('invalid-conditioning', message);
}
