/**
 * Few-step flow-matching sampler for distilled models (LCM-style, diffusers' FlowMatchLCMScheduler
 * without its extras): each step takes the model's velocity at time t as a prediction of the clean
 * sample, x_0 = x_t − t·v (from x_t = (1 − t)·x_0 + t·noise and v = noise − x_0), and re-noises it to
 * the next time with fresh noise: x_{t_next} = (1 − t_next)·x_0 + t_next·ε_new. The last step
 * (t_next = 0) returns x_0. Unlike Euler it does not follow one flow path, so a model distilled to
 * predict x_0 well in a few steps is not pulled back onto an undistilled trajectory.
 */
import { checkShift, checkStep, noiseTo, scheduleTimes, type FlowScheduleConfig } from './flowMatchSchedule';
import type { Scheduler, StepOptions } from './scheduler';

export class FlowMatchLcmScheduler implements Scheduler {
  /** Every step but the last re-noises with fresh noise. */
  readonly needsNoise = true;
  /** t_0 … t_steps: from 1 (noise) down to 0 (clean), `steps + 1` values. */
  private sigmas: number[] = [];

  constructor(private readonly config: FlowScheduleConfig) {
    checkShift(config.shift);
  }

  get timesteps(): readonly number[] {
    return this.sigmas.slice(0, -1);
  }

  get times(): readonly number[] {
    return this.sigmas;
  }

  setTimesteps(steps: number, startTime = 1): void {
    this.sigmas = scheduleTimes(steps, this.config, startTime);
  }

  scaleNoise(sample: Float32Array, t: number, noise: Float32Array): Float32Array {
    return noiseTo(sample, t, noise);
  }

  /** x_0 = sample − t·v, re-noised to `times[index + 1]` with `options.noise` (needed unless that time is 0). */
  step(modelOutput: Float32Array, index: number, sample: Float32Array, options: StepOptions = {}): Float32Array {
    checkStep(this.sigmas, index, modelOutput, sample);
    const t = this.sigmas[index]!;
    const next = this.sigmas[index + 1]!;
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) x0[i] = sample[i]! - t * modelOutput[i]!;
    if (next === 0) return x0;
    if (!options.noise) throw new RangeError(`step ${index} re-noises to t = ${next} and needs fresh noise; pass { noise }`);
    return noiseTo(x0, next, options.noise);
  }
}
