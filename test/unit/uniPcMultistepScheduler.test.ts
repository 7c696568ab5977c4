import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowMatchEulerScheduler } from '../../src/schedulers/flowMatchEulerScheduler';
import type { Scheduler } from '../../src/schedulers/scheduler';
import { UniPcMultistepScheduler, uniPcSigmas } from '../../src/schedulers/uniPcMultistepScheduler';

/**
 * Golden runs of Diffusers' UniPCMultistepScheduler with Wan2.1's scheduler config (test/fixtures/
 * unipc-golden.json says which commit and how): the same toy model and start, step by step.
 */
interface GoldenRun {
  readonly shift: number;
  readonly steps: number;
  readonly sigmas: readonly number[];
  readonly timesteps: readonly number[];
  readonly samples: readonly (readonly number[])[];
}
const golden = JSON.parse(readFileSync('test/fixtures/unipc-golden.json', 'utf8')) as { unipc: GoldenRun[] };

const SIZE = 16;
/** The fixture's toy model: v_j = sin(x_j) + 0.5·cos(3t + 0.7j), with t the model's time in [0, 1]. */
function toyVelocity(sample: Float32Array, t: number): Float32Array {
  return sample.map((x, j) => Math.sin(x) + 0.5 * Math.cos(3 * t + 0.7 * j));
}
function toyStart(): Float32Array {
  return Float32Array.from({ length: SIZE }, (_, j) => 1.5 * Math.sin(1.3 * j + 0.5));
}

/**
 * Every sample along the way, from `toyStart` through the toy model, which is told the scheduler's
 * `timesteps` or, with `exactTimes`, the sample's own time `times[i]`.
 */
function sampleWith(scheduler: Scheduler, steps: number, exactTimes = false): Float32Array[] {
  scheduler.setTimesteps(steps);
  let x = toyStart();
  return scheduler.timesteps.map((t, i) => (x = scheduler.step(toyVelocity(x, exactTimes ? scheduler.times[i]! : t), i, x)));
}

/** max |actual − expected| over max |expected|: the error relative to the sample's scale. */
function relativeError(actual: ArrayLike<number>, expected: readonly number[]): number {
  let error = 0;
  let scale = 0;
  expected.forEach((value, i) => {
    error = Math.max(error, Math.abs(actual[i]! - value));
    scale = Math.max(scale, Math.abs(value));
  });
  return error / scale;
}

describe('UniPcMultistepScheduler against Diffusers (Wan2.1 config)', () => {
  it.each(golden.unipc.map((run) => [run.steps, run.shift, run] as const))('%i steps, shift %d: the same σ, model times and every sample within 1e-5', (_, __, run) => {
    const scheduler = new UniPcMultistepScheduler({ shift: run.shift });
    const samples = sampleWith(scheduler, run.steps);
    expect(scheduler.times).toEqual(run.sigmas);
    expect(scheduler.timesteps.map((t) => t * 1000)).toEqual(run.timesteps.map((t) => expect.closeTo(t, 9)));
    samples.forEach((sample, i) => expect(relativeError(sample, run.samples[i]!), `step ${i}`).toBeLessThan(1e-5));
  });

  it('converges at second order where Euler converges at first: doubling 20 steps cuts its error by over 3×', () => {
    const reference = sampleWith(new UniPcMultistepScheduler({ shift: 3 }), 2000, true).at(-1)!;
    const errorAfter = (scheduler: Scheduler, steps: number) => relativeError(sampleWith(scheduler, steps, true).at(-1)!, [...reference]);
    const uniPc = errorAfter(new UniPcMultistepScheduler({ shift: 3 }), 20) / errorAfter(new UniPcMultistepScheduler({ shift: 3 }), 40);
    const euler = errorAfter(new FlowMatchEulerScheduler({ shift: 3 }), 20) / errorAfter(new FlowMatchEulerScheduler({ shift: 3 }), 40);
    expect(uniPc).toBeGreaterThan(3);
    expect(euler).toBeLessThan(2.5);
  });
});

describe('UniPcMultistepScheduler', () => {
  it('tells the model ⌊1000σ⌋/1000 and keeps σ itself as the time of the sample', () => {
    const scheduler = new UniPcMultistepScheduler({ shift: 3 });
    scheduler.setTimesteps(4);
    expect(scheduler.timesteps).toEqual([0.999, 0.9, 0.75, 0.5]);
    expect(scheduler.times[0]).toBe(Math.fround(1 - 1e-6));
    expect(scheduler.times.at(-1)).toBe(0);
    expect(scheduler.times).toHaveLength(5);
  });

  it('returns the data prediction x − σ·v on the last step', () => {
    const scheduler = new UniPcMultistepScheduler({ shift: 1 });
    scheduler.setTimesteps(1);
    const sigma = scheduler.times[0]!;
    const out = scheduler.step(Float32Array.of(2, -1), 0, Float32Array.of(1, 0.5));
    expect([...out]).toEqual([Math.fround(1 - sigma * 2), Math.fround(0.5 + sigma)]);
  });

  it('recovers x_0 from noise when the velocity is the true noise − x_0, at every order', () => {
    const x0 = Float32Array.of(0.25, -1.5, 3);
    const noise = Float32Array.of(1, 0.5, -2);
    const velocity = x0.map((v, i) => noise[i]! - v);
    const scheduler = new UniPcMultistepScheduler({ shift: 3 });
    scheduler.setTimesteps(6);
    let x = scheduler.scaleNoise(x0, scheduler.times[0]!, noise);
    scheduler.timesteps.forEach((_, i) => {
      x = scheduler.step(velocity, i, x);
      // On the straight path every intermediate sample is x_0 noised to the time reached.
      const expected = scheduler.scaleNoise(x0, scheduler.times[i + 1]!, noise);
      x.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    });
  });

  it('starts an SDEdit run exactly at the start time with a fresh history', () => {
    const scheduler = new UniPcMultistepScheduler({ shift: 3 });
    scheduler.setTimesteps(4, 0.8);
    expect(scheduler.times).toEqual([0.8, Math.fround(uniPcSigmas(4, 3)[2]!), Math.fround(uniPcSigmas(4, 3)[3]!), 0]);
    expect(scheduler.timesteps).toEqual([0.8, 0.75, 0.5]);
    scheduler.setTimesteps(4, 0);
    expect(scheduler.timesteps).toEqual([]);
  });

  it('runs a pack’s explicit times (σ_0 = 1 moved to 1 − 10⁻⁶) when the step count matches them', () => {
    const scheduler = new UniPcMultistepScheduler({ shift: 3, times: [1, 0.8, 0.4] });
    scheduler.setTimesteps(3);
    expect(scheduler.times).toEqual([Math.fround(1 - 1e-6), Math.fround(0.8), Math.fround(0.4), 0]);
    expect(scheduler.timesteps).toEqual([0.999, 0.8, 0.4]);
    scheduler.setTimesteps(4);
    expect(scheduler.timesteps).toEqual([0.999, 0.9, 0.75, 0.5]);
  });

  it('forgets its history on setTimesteps: a second run equals the first', () => {
    const scheduler = new UniPcMultistepScheduler({ shift: 3 });
    const first = sampleWith(scheduler, 5).at(-1)!;
    const second = sampleWith(scheduler, 5).at(-1)!;
    expect([...second]).toEqual([...first]);
  });

  it('refuses steps out of order, bad sizes and bad settings', () => {
    const scheduler = new UniPcMultistepScheduler({ shift: 3 });
    scheduler.setTimesteps(3);
    expect(() => scheduler.step(Float32Array.of(1), 1, Float32Array.of(1))).toThrow('UniPC is multistep: expected step 0, got 1; call setTimesteps to start again');
    expect(() => scheduler.step(Float32Array.of(1, 2), 0, Float32Array.of(1))).toThrow(/model output has 2 values, sample 1/);
    expect(() => scheduler.step(Float32Array.of(1), 3, Float32Array.of(1))).toThrow(/outside 0..2/);
    expect(() => scheduler.setTimesteps(0)).toThrow(/positive integer, got 0/);
    expect(() => scheduler.setTimesteps(2, 1.5)).toThrow(/startTime must be in \[0, 1\], got 1.5/);
    expect(() => new UniPcMultistepScheduler({ shift: 0 })).toThrow(/shift must be a positive number, got 0/);
    expect(scheduler.needsNoise).toBe(false);
  });
});
