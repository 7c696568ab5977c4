/** A sampler over a model that predicts a velocity; one algorithm per file behind this type. */
import type { SchedulerSpec } from '../models/manifest';
import { FlowMatchEulerScheduler } from './flowMatchEulerScheduler';

export interface Scheduler {
  /** The model's `timestep` input at each step, in order; set by `setTimesteps`. */
  readonly timesteps: readonly number[];
  /** Prepares `steps` steps from pure noise to the clean sample. */
  setTimesteps(steps: number): void;
  /** One update: the sample after step `index`, given the model output at `timesteps[index]`. */
  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array;
}

/** The scheduler a pack asks for. */
export function createScheduler(spec: SchedulerSpec): Scheduler {
  return new FlowMatchEulerScheduler({ shift: spec.shift });
}
