/**
 * What the sampling loop needs from a sampler: one algorithm per file behind this type, each
 * registered by its manifest `scheduler.type` in registry.ts.
 */

export interface Scheduler {
  /**
   * The model's `timestep` input at each step, in order; set by `setTimesteps`. Equal to
   * `times[i]` except where the reference hands the model a rounded time (UniPC: ⌊1000·t⌋/1000).
   */
  readonly timesteps: readonly number[];
  /**
   * The flow time the sample is at when each step starts, then the final time (0): the time each
   * step ends at is `times[i + 1]`. Conditioning noises known latents to these times.
   */
  readonly times: readonly number[];
  /**
   * Whether `step` takes fresh noise. False for a deterministic sampler (Euler). A few-step sampler
   * that predicts x_0 and re-noises it to the next time sets it, and the loop then passes
   * `{ noise }`, seeded noise drawn anew for each step.
   */
  readonly needsNoise: boolean;
  /**
   * Prepares `steps` steps from pure noise to the clean sample. With `startTime` < 1 (SDEdit) the
   * schedule starts at exactly that time and keeps only the steps below it (0 = no step at all).
   */
  setTimesteps(steps: number, startTime?: number): void;
  /**
   * The forward process: clean `sample` noised to time `t` with `noise` (same length). Conditioning
   * uses it to put known latents at the noise level of a step, so it never restates the formula.
   */
  scaleNoise(sample: Float32Array, t: number, noise: Float32Array): Float32Array;
  /**
   * One update: the sample after step `index`, given the model output at `timesteps[index]`. A
   * multistep sampler keeps earlier outputs, so its steps must come in order after `setTimesteps`.
   */
  step(modelOutput: Float32Array, index: number, sample: Float32Array, options?: StepOptions): Float32Array;
}

/** Per-step extras; only samplers with `needsNoise` read them. */
export interface StepOptions {
  /** Standard-normal noise shaped like the sample, fresh for this step. */
  readonly noise?: Float32Array;
}
