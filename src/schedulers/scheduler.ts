/** A sampler over a model that predicts a velocity; one algorithm per file behind this type. */
import type { SchedulerSpec } from '../models/manifest';
import { FlowMatchEulerScheduler } from './flowMatchEulerScheduler';

export interface Scheduler {
  /** The model's `timestep` input at each step, in order; set by `setTimesteps`. */
  readonly timesteps: readonly number[];
  /** `timesteps` followed by the final time (0): the time each step ends at is `times[i + 1]`. */
  readonly times: readonly number[];
  /**
   * Prepares `steps` steps from pure noise to the clean sample. With `startTime` < 1 (SDEdit) the
   * schedule starts at exactly that time and keeps only the steps below it (0 = no step at all).
   */
  setTimesteps(steps: number, startTime?: number): void;
  /** One update: the sample after step `index`, given the model output at `timesteps[index]`. */
  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array;
}

/** The scheduler a pack asks for. */
export function createScheduler(spec: SchedulerSpec): Scheduler {
  return new FlowMatchEulerScheduler({ shift: spec.shift });
}
