/**
 * Flow-matching Euler sampler (rectified flow), as in docs/model-pack.md "Sampling":
 * x_t = (1 − t)·x_0 + t·noise, the model predicts v = noise − x_0, so dx/dt = v and an Euler step
 * from t_i to t_{i+1} is x ← x + (t_{i+1} − t_i)·v. Times: the shifted schedule of flowMatchSchedule.ts,
 * or the pack's explicit times.
 */
import { checkShift, checkStep, noiseTo, scheduleTimes, type FlowScheduleConfig } from './flowMatchSchedule';
import type { Scheduler } from './scheduler';

export class FlowMatchEulerScheduler implements Scheduler {
  /** Deterministic: the velocity alone moves the sample. */
  readonly needsNoise = false;
  /** t_0 … t_steps: from 1 (noise) down to 0 (clean), `steps + 1` values. */
  private sigmas: number[] = [];

  constructor(private readonly config: FlowScheduleConfig) {
    checkShift(config.shift);
  }

  get timesteps(): readonly number[] {
    return this.sigmas.slice(0, -1);
  }

  /** All `steps + 1` times including the final 0. */
  get times(): readonly number[] {
    return this.sigmas;
  }

  setTimesteps(steps: number, startTime = 1): void {
    this.sigmas = scheduleTimes(steps, this.config, startTime);
  }

  scaleNoise(sample: Float32Array, t: number, noise: Float32Array): Float32Array {
    return noiseTo(sample, t, noise);
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array {
    checkStep(this.sigmas, index, modelOutput, sample);
    const dt = this.sigmas[index + 1]! - this.sigmas[index]!;
    const next = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) next[i] = sample[i]! + dt * modelOutput[i]!;
    return next;
  }
}
