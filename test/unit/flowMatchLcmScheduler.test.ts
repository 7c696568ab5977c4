import { describe, expect, it } from 'vitest';
import { FlowMatchLcmScheduler } from '../../src/schedulers/flowMatchLcmScheduler';

describe('FlowMatchLcmScheduler', () => {
  it('predicts x_0 = x − t·v and re-noises it to the next time with fresh noise, golden values', () => {
    const scheduler = new FlowMatchLcmScheduler({ shift: 1 });
    scheduler.setTimesteps(4); // 1, 0.75, 0.5, 0.25, 0
    // step 1 (t = 0.75 → 0.5): x_0 = (1, 3) − 0.75·(2, 4) = (−0.5, 0); 0.5·x_0 + 0.5·(1, −2) = (0.25, −1)
    const next = scheduler.step(Float32Array.of(2, 4), 1, Float32Array.of(1, 3), { noise: Float32Array.of(1, -2) });
    expect([...next]).toEqual([0.25, -1]);
  });

  it('returns x_0 itself on the last step and needs no noise there', () => {
    const scheduler = new FlowMatchLcmScheduler({ shift: 1 });
    scheduler.setTimesteps(4);
    // t = 0.25: x_0 = (1, −1) − 0.25·(4, −8) = (0, 1)
    expect([...scheduler.step(Float32Array.of(4, -8), 3, Float32Array.of(1, -1))]).toEqual([0, 1]);
  });

  it('lands exactly on x_0 from any noise when the velocity is the true noise − x_0', () => {
    const x0 = Float32Array.of(0.5, -1.5);
    const scheduler = new FlowMatchLcmScheduler({ shift: 2.5 });
    scheduler.setTimesteps(2);
    const velocityFrom = (noise: Float32Array) => noise.map((v, i) => v - x0[i]!);
    const noise = Float32Array.of(1, 2);
    const fresh = Float32Array.of(-3, 0.25);
    const x1 = scheduler.step(velocityFrom(noise), 0, noise, { noise: fresh });
    // x1 is on the path from x_0 to the fresh noise at t_1 = 1.25/1.75
    const t1 = scheduler.times[1]!;
    x1.forEach((v, i) => expect(v).toBeCloseTo((1 - t1) * x0[i]! + t1 * fresh[i]!, 6));
    const end = scheduler.step(velocityFrom(fresh), 1, x1);
    end.forEach((v, i) => expect(v).toBeCloseTo(x0[i]!, 6));
  });

  it('shares the Euler sampler’s schedule and forward process, and says it needs noise', () => {
    const scheduler = new FlowMatchLcmScheduler({ shift: 2.5 });
    scheduler.setTimesteps(4, 0.5);
    expect(scheduler.times).toEqual([0.5, 0.45454545454545453, 0]);
    expect([...scheduler.scaleNoise(Float32Array.of(1, 2), 0.25, Float32Array.of(0.5, -1))]).toEqual([0.875, 1.25]);
    expect(scheduler.needsNoise).toBe(true);
  });

  it('refuses a re-noising step without noise, and bad indices', () => {
    const scheduler = new FlowMatchLcmScheduler({ shift: 1 });
    scheduler.setTimesteps(2);
    expect(() => scheduler.step(Float32Array.of(1), 0, Float32Array.of(1))).toThrow(/step 0 re-noises to t = 0.5 and needs fresh noise/);
    expect(() => scheduler.step(Float32Array.of(1), 2, Float32Array.of(1))).toThrow(/outside 0..1/);
    expect(() => new FlowMatchLcmScheduler({ shift: -1 })).toThrow(/shift must be a positive number, got -1/);
  });

  it('runs a pack’s explicit times when the step count matches them, else the shifted schedule', () => {
    const scheduler = new FlowMatchLcmScheduler({ shift: 2.5, times: [1, 0.757, 0.522] });
    scheduler.setTimesteps(3);
    expect(scheduler.times).toEqual([1, 0.757, 0.522, 0]);
    scheduler.setTimesteps(3, 0.6);
    expect(scheduler.times).toEqual([0.6, 0.522, 0]);
    scheduler.setTimesteps(4);
    [1, 0.8823529411764706, 0.7142857142857143, 0.45454545454545453, 0].forEach((t, i) => expect(scheduler.times[i]).toBeCloseTo(t, 15));
  });
});
