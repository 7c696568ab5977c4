/**
 * What every flow-matching sampler shares (docs/model-pack.md "Sampling"): the forward process
 * x_t = (1 − t)·x_0 + t·noise and the time schedule s_i = 1 − i/steps shifted by
 * t = shift·s / (1 + (shift − 1)·s), which spends more steps at high noise when shift > 1, or a
 * pack's explicit times. The samplers differ only in their step.
 */

/** Throws unless `shift` is a positive finite number. */
export function checkShift(shift: number): void {
  if (!(shift > 0) || !Number.isFinite(shift)) throw new RangeError(`shift must be a positive number, got ${shift}`);
}

/**
 * t_0 … t_steps from 1 (noise) down to 0 (clean), `steps + 1` values. With `startTime` < 1 (SDEdit)
 * the schedule begins exactly at startTime and joins the shifted one at its next lower time.
 */
export function shiftedTimes(steps: number, shift: number, startTime = 1): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(startTime >= 0 && startTime <= 1)) throw new RangeError(`startTime must be in [0, 1], got ${startTime}`);
  const times = Array.from({ length: steps + 1 }, (_, i) => {
    const s = 1 - i / steps;
    return (shift * s) / (1 + (shift - 1) * s);
  });
  return startTime === 1 ? times : [startTime, ...times.filter((t) => t < startTime)];
}

/** How a sampler's times are chosen: a shift, and optionally the pack's explicit times. */
export interface FlowScheduleConfig {
  /** Time shift; 1 is the plain linear schedule. */
  readonly shift: number;
  /** Explicit times for a run of exactly `times.length` steps (manifest `scheduler.times`). */
  readonly times?: readonly number[];
}

/**
 * t_0 … t_steps: the explicit times followed by 0 when there are exactly `steps` of them, else the
 * shifted schedule; with `startTime` < 1 (SDEdit) it begins exactly at startTime and keeps the
 * times below it.
 */
export function scheduleTimes(steps: number, config: FlowScheduleConfig, startTime = 1): number[] {
  if (config.times?.length !== steps) return shiftedTimes(steps, config.shift, startTime);
  if (!(startTime >= 0 && startTime <= 1)) throw new RangeError(`startTime must be in [0, 1], got ${startTime}`);
  const times = [...config.times, 0];
  return startTime === 1 ? times : [startTime, ...times.filter((t) => t < startTime)];
}

/** The forward process: x_t = (1 − t)·x_0 + t·noise. */
export function noiseTo(sample: Float32Array, t: number, noise: Float32Array): Float32Array {
  if (noise.length !== sample.length) throw new RangeError(`noise has ${noise.length} values, sample ${sample.length}`);
  const noised = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) noised[i] = (1 - t) * sample[i]! + t * noise[i]!;
  return noised;
}

/** Throws unless `index` is a step of `times` and the model output fits the sample. */
export function checkStep(times: readonly number[], index: number, modelOutput: Float32Array, sample: Float32Array): void {
  if (index < 0 || index >= times.length - 1) throw new RangeError(`step index ${index} outside 0..${times.length - 2}; call setTimesteps first`);
  if (modelOutput.length !== sample.length) throw new RangeError(`model output has ${modelOutput.length} values, sample ${sample.length}`);
}
