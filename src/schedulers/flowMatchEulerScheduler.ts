/**
 * Flow-matching Euler sampler (rectified flow), as in docs/model-pack.md "Sampling":
 * x_t = (1 − t)·x_0 + t·noise, the model predicts v = noise − x_0, so dx/dt = v and an Euler step
 * from t_i to t_{i+1} is x ← x + (t_{i+1} − t_i)·v. Times follow s_i = 1 − i/steps shifted by
 * t = shift·s / (1 + (shift − 1)·s), which spends more steps at high noise when shift > 1.
 */
import type { Scheduler } from './scheduler';

export interface FlowMatchEulerConfig {
  /** Time shift; 1 is the plain linear schedule. */
  readonly shift: number;
}

export class FlowMatchEulerScheduler implements Scheduler {
  /** Deterministic: the velocity alone moves the sample. */
  readonly needsNoise = false;
  /** t_0 … t_steps: from 1 (noise) down to 0 (clean), `steps + 1` values. */
  private sigmas: number[] = [];

  constructor(private readonly config: FlowMatchEulerConfig) {
    if (!(config.shift > 0) || !Number.isFinite(config.shift)) throw new RangeError(`shift must be a positive number, got ${config.shift}`);
  }

  get timesteps(): readonly number[] {
    return this.sigmas.slice(0, -1);
  }

  /** All `steps + 1` times including the final 0. */
  get times(): readonly number[] {
    return this.sigmas;
  }

  setTimesteps(steps: number, startTime = 1): void {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
    if (!(startTime >= 0 && startTime <= 1)) throw new RangeError(`startTime must be in [0, 1], got ${startTime}`);
    const shift = this.config.shift;
    const sigmas = Array.from({ length: steps + 1 }, (_, i) => {
      const s = 1 - i / steps;
      return (shift * s) / (1 + (shift - 1) * s);
    });
    // A late start (SDEdit) begins exactly at startTime and joins the schedule at its next lower time.
    this.sigmas = startTime === 1 ? sigmas : [startTime, ...sigmas.filter((t) => t < startTime)];
  }

  /** x_t = (1 − t)·x_0 + t·noise. */
  scaleNoise(sample: Float32Array, t: number, noise: Float32Array): Float32Array {
    if (noise.length !== sample.length) throw new RangeError(`noise has ${noise.length} values, sample ${sample.length}`);
    const noised = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) noised[i] = (1 - t) * sample[i]! + t * noise[i]!;
    return noised;
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array {
    if (index < 0 || index >= this.sigmas.length - 1) throw new RangeError(`step index ${index} outside 0..${this.sigmas.length - 2}; call setTimesteps first`);
    if (modelOutput.length !== sample.length) throw new RangeError(`model output has ${modelOutput.length} values, sample ${sample.length}`);
    const dt = this.sigmas[index + 1]! - this.sigmas[index]!;
    const next = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) next[i] = sample[i]! + dt * modelOutput[i]!;
    return next;
  }
}
