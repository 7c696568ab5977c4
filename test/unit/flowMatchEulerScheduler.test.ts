import { describe, expect, it } from 'vitest';
import { FlowMatchEulerScheduler } from '../../src/schedulers/flowMatchEulerScheduler';
import { createScheduler } from '../../src/schedulers/registry';

describe('FlowMatchEulerScheduler', () => {
  it('shifts the schedule: t = shift·s / (1 + (shift − 1)·s), golden values for 4 steps, shift 2.5', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 2.5 });
    scheduler.setTimesteps(4);
    // s = 1, .75, .5, .25, 0 → 2.5/2.5, 1.875/2.125, 1.25/1.75, 0.625/1.375, 0
    const expected = [1, 0.8823529411764706, 0.7142857142857143, 0.45454545454545453, 0];
    scheduler.times.forEach((t, i) => expect(t).toBeCloseTo(expected[i]!, 15));
    expect(scheduler.timesteps).toHaveLength(4);
    expect(scheduler.timesteps[0]).toBe(1);
  });

  it('is linear with shift 1', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 1 });
    scheduler.setTimesteps(5);
    [1, 0.8, 0.6, 0.4, 0.2, 0].forEach((t, i) => expect(scheduler.times[i]).toBeCloseTo(t, 15));
  });

  it('takes an Euler step x + (t_{i+1} − t_i)·v', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 2.5 });
    scheduler.setTimesteps(4);
    const next = scheduler.step(Float32Array.of(0.5, -1), 0, Float32Array.of(1, 2));
    // dt = 0.88235294 − 1 = −0.11764706
    expect(next[0]).toBeCloseTo(0.94117647, 6);
    expect(next[1]).toBeCloseTo(2.11764706, 6);
  });

  it('takes an exact Euler step on a linear schedule: dt = −0.25', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 1 });
    scheduler.setTimesteps(4);
    expect([...scheduler.step(Float32Array.of(2, 0.5, -4), 1, Float32Array.of(1, -2, 0))]).toEqual([0.5, -2.125, 1]);
  });

  it('noises a clean sample to time t: scaleNoise = (1 − t)·x_0 + t·noise, golden values', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 2.5 });
    const x0 = Float32Array.of(1, 2, -4);
    const noise = Float32Array.of(0.5, -1, 2);
    // 0.75·1 + 0.25·0.5, 0.75·2 − 0.25, 0.75·(−4) + 0.25·2
    expect([...scheduler.scaleNoise(x0, 0.25, noise)]).toEqual([0.875, 1.25, -2.5]);
    expect(scheduler.scaleNoise(x0, 0, noise)).toEqual(x0);
    expect(scheduler.scaleNoise(x0, 1, noise)).toEqual(noise);
    expect(() => scheduler.scaleNoise(x0, 0.5, Float32Array.of(1))).toThrow(/noise has 1 values, sample 3/);
  });

  it('is deterministic: it asks for no fresh noise per step', () => {
    expect(new FlowMatchEulerScheduler({ shift: 1 }).needsNoise).toBe(false);
  });

  it('recovers x_0 exactly from noise when the velocity is the true noise − x_0', () => {
    const x0 = Float32Array.of(0.25, -1.5, 3);
    const noise = Float32Array.of(1, 0.5, -2);
    const velocity = x0.map((v, i) => noise[i]! - v);
    const scheduler = createScheduler({ type: 'flow-match-euler', steps: 7, shift: 3, guidance: 1 });
    scheduler.setTimesteps(7);
    let x: Float32Array = noise;
    scheduler.timesteps.forEach((_, i) => {
      x = scheduler.step(velocity, i, x);
    });
    x.forEach((v, i) => expect(v).toBeCloseTo(x0[i]!, 5));
  });

  it('refuses bad steps, shifts and indices', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 1 });
    expect(() => scheduler.setTimesteps(0)).toThrow(/positive integer, got 0/);
    expect(() => new FlowMatchEulerScheduler({ shift: 0 })).toThrow(/shift/);
    scheduler.setTimesteps(2);
    expect(() => scheduler.step(Float32Array.of(1), 2, Float32Array.of(1))).toThrow(/outside 0..1/);
  });
});
