import { describe, expect, it } from 'vitest';
import { FlowMatchEulerScheduler } from '../../src/schedulers/flowMatchEulerScheduler';
import { createScheduler } from '../../src/schedulers/scheduler';

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
