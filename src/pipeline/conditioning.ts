/**
 * Conditioning the sampler on known latents: one mechanism behind image-to-video, extend, connect,
 * loop and video-to-video (docs/capabilities.md says why each uses it). A conditioning becomes
 * `SamplingHooks` that the loop calls around each scheduler step; noising a clean latent to a time
 * is always the scheduler's `scaleNoise`, so the hooks hold no sampler formula of their own.
 *
 * - **Known frames** (RePaint-style replacement): after every step that reaches time t, each known
 *   latent frame is overwritten with `scaleNoise(z_known, t, ε)`, where ε is that frame's own
 *   initial noise. The unknown frames are denoised by a DiT that attends to the known ones at the
 *   right noise level, so they continue them; at t = 0 the known frames are exact.
 * - **Start time** (SDEdit): sampling starts at t = `startTime` from `scaleNoise(z_source, t, ε)`
 *   instead of at t = 1 from noise: 0 keeps the source, 1 ignores it.
 * - **Tied frames** (loops): pairs of latent frames sampled as one variable. After every step both
 *   take their mean, so each follows the average of the two updates the DiT drives for it.
 * - **Roll** (loops): at step i the model sees the rolled frames turned by i, and its output is
 *   turned back before the scheduler steps. The scheduler always works in clip order, so a
 *   multistep sampler (UniPC) combines each frame's predictions with that same frame's earlier ones.
 *
 * Latents here are one clip in the model's layout [C, T, h, w] (no batch); everything is pure.
 */
import type { Scheduler } from '../schedulers/scheduler';
import { PipelineError } from './errors';
import type { LatentDims } from './latents';

/** What is known about the latent being sampled. All parts are optional and combine. */
export interface LatentConditioning {
  /** Latent frames whose clean values are known, kept on the noise path during sampling. */
  readonly known?: {
    /** [C, T, h, w]; only the frames marked in `frames` are read. */
    readonly latents: Float32Array;
    /** One flag per latent frame: true = known. */
    readonly frames: readonly boolean[];
    /**
     * Per latent frame, the flow time below which a known frame is no longer put back (0, the
     * default: kept to the end). A released frame starts from its known latent and is then denoised
     * with its free neighbours, so it can meet them half way (a storyboard's overlap group).
     */
    readonly releaseBelow?: readonly number[];
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
   * the DiT sees a different wrap point next to each other at every step; after the step they are
   * rolled back.
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
    const release = known.releaseBelow;
    if (release && (release.length !== dims.frames || release.some((t) => !(t >= 0 && t <= 1)))) fail(`release times [${release.join(', ')}] are not ${dims.frames} flow times from 0 to 1`);
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

/** The sample between hooks: `latents` [C, T, h, w] at flow time `t` around step `step`. */
export interface StepState {
  /** 0-based index into the scheduler's `timesteps`. */
  readonly step: number;
  /** beforeStep: the time the step starts from; afterStep: the time it reached (`times[step + 1]`). */
  readonly t: number;
  readonly latents: Float32Array;
}

/**
 * What the sampling loop calls so that it reads predict → guidance → step whatever the mode. The
 * sample and the scheduler stay in clip order; only the model may see another view. Each hook may
 * write into `latents` and returns the sample to carry on with.
 */
export interface SamplingHooks {
  /** The sample at the scheduler's first time `times[0]` (call after `setTimesteps`). */
  initialSample(): Float32Array;
  /** What the model sees at step `step`: the sample, or a view of it (rolled frames). */
  beforeStep(state: StepState): Float32Array;
  /** The model's output for `beforeStep`'s view, back in clip order for the scheduler. */
  outputInClipOrder(step: number, output: Float32Array): Float32Array;
  /** The stepped sample with the constraints put back at the time reached. */
  afterStep(state: StepState): Float32Array;
}

/**
 * The hooks of a conditioning checked by `checkConditioning`, sampling from `noise` (the output of
 * `conditionedNoise`). Known frames are put back right after each step rather than before the
 * next, so every sample the loop reports (previews, the final decode) already holds them.
 */
export function conditioningHooks(conditioning: LatentConditioning, dims: LatentDims, noise: Float32Array, scheduler: Scheduler): SamplingHooks {
  const { known, start, tied, roll } = conditioning;
  const constrain = (sample: Float32Array, t: number): Float32Array => {
    if (known) placeFrames(sample, scheduler.scaleNoise(known.latents, t, noise), pinnedAt(known, t), dims);
    if (tied?.length) tieFrames(sample, tied, dims);
    return sample;
  };
  return {
    initialSample() {
      const t0 = scheduler.times[0]!;
      return constrain(start ? scheduler.scaleNoise(start.latents, t0, noise) : noise.slice(), t0);
    },
    beforeStep: ({ step, latents }) => (roll ? rollFrames(latents, dims, roll.from, step) : latents),
    outputInClipOrder: (step, output) => (roll ? rollFrames(output, dims, roll.from, -step) : output),
    afterStep: ({ t, latents }) => constrain(latents, t),
  };
}

/** The known frames still put back at flow time `t`: all of them unless some are released below a time above t. */
function pinnedAt(known: NonNullable<LatentConditioning['known']>, t: number): readonly boolean[] {
  const release = known.releaseBelow;
  return release ? known.frames.map((isKnown, f) => isKnown && t >= release[f]!) : known.frames;
}

/** Copies the frames flagged in `frames` from `source` into `sample` (both [C, T, h, w]). */
function placeFrames(sample: Float32Array, source: Float32Array, frames: readonly boolean[], dims: LatentDims): void {
  const plane = dims.height * dims.width;
  for (let c = 0; c < dims.channels; c++) {
    for (let f = 0; f < dims.frames; f++) {
      if (!frames[f]) continue;
      const base = (c * dims.frames + f) * plane;
      sample.set(source.subarray(base, base + plane), base);
    }
  }
}

/** Sets both frames of each tied pair to their mean, in place. */
function tieFrames(sample: Float32Array, tied: readonly (readonly [number, number])[], dims: LatentDims): void {
  const plane = dims.height * dims.width;
  for (let c = 0; c < dims.channels; c++) {
    for (const [a, b] of tied) {
      const baseA = (c * dims.frames + a) * plane;
      const baseB = (c * dims.frames + b) * plane;
      for (let p = 0; p < plane; p++) {
        const mean = (sample[baseA + p]! + sample[baseB + p]!) / 2;
        sample[baseA + p] = mean;
        sample[baseB + p] = mean;
      }
    }
  }
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
