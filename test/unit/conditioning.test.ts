import { describe, expect, it } from 'vitest';
import { checkConditioning, conditionedNoise, conditioningHooks, rollFrames, warmStart, type LatentConditioning } from '../../src/pipeline/conditioning';
import type { PipelineError } from '../../src/pipeline/errors';
import { FlowMatchEulerScheduler } from '../../src/schedulers/flowMatchEulerScheduler';

// 2 channels × 3 latent frames × 1×2 pixels: value index = (c·3 + f)·2 + p
const dims = { channels: 2, frames: 3, height: 1, width: 2 };
const size = 12;
const ramp = (scale: number) => Float32Array.from({ length: size }, (_, i) => scale * (i + 1));
const frameOf = (data: Float32Array, f: number) => [0, 1].flatMap((c) => [...data.subarray((c * 3 + f) * 2, (c * 3 + f) * 2 + 2)]);
/** Hooks over a linear 4-step schedule: times 1, 0.75, 0.5, 0.25, 0 (or from `start.time` down). */
function hooksFor(conditioning: LatentConditioning, noise: Float32Array) {
  const scheduler = new FlowMatchEulerScheduler({ shift: 1 });
  scheduler.setTimesteps(4, conditioning.start?.time);
  return conditioningHooks(conditioning, dims, noise, scheduler);
}

describe('conditioning', () => {
  it('after a step that reached t, puts known frames on their noise path (1 − t)·z + t·ε and leaves the others alone', () => {
    const noise = ramp(-1);
    const known = { latents: ramp(10), frames: [true, false, true] };
    const sample = hooksFor({ known }, noise).afterStep({ step: 2, t: 0.25, latents: ramp(100) });
    expect(frameOf(sample, 0)).toEqual(frameOf(known.latents, 0).map((z, i) => 0.75 * z + 0.25 * frameOf(noise, 0)[i]!));
    expect(frameOf(sample, 1)).toEqual(frameOf(ramp(100), 1));
    expect(frameOf(sample, 2)).toEqual(frameOf(known.latents, 2).map((z, i) => 0.75 * z + 0.25 * frameOf(noise, 2)[i]!));
  });

  it('ends exactly on the known latents at t = 0 and starts on pure noise at t = 1', () => {
    const known = { latents: ramp(10), frames: [false, true, false] };
    const hooks = hooksFor({ known }, ramp(-1));
    expect(frameOf(hooks.afterStep({ step: 3, t: 0, latents: ramp(3) }), 1)).toEqual(frameOf(known.latents, 1));
    expect(hooks.initialSample()).toEqual(ramp(-1));
  });

  it('stops putting back a known frame once the time falls below its release time; the others stay pinned', () => {
    const noise = ramp(-1);
    const known = { latents: ramp(10), frames: [true, true, false], releaseBelow: [0, 0.5, 0] };
    const hooks = hooksFor({ known }, noise);
    const pinned = (t: number) => frameOf(known.latents, 1).map((z, i) => (1 - t) * z + t * frameOf(noise, 1)[i]!);
    expect(frameOf(hooks.afterStep({ step: 1, t: 0.5, latents: ramp(100) }), 1)).toEqual(pinned(0.5));
    expect(frameOf(hooks.afterStep({ step: 2, t: 0.25, latents: ramp(100) }), 1)).toEqual(frameOf(ramp(100), 1));
    expect(frameOf(hooks.afterStep({ step: 3, t: 0, latents: ramp(100) }), 0)).toEqual(frameOf(known.latents, 0));
    expect(() => checkConditioning({ known: { ...known, releaseBelow: [0, 2, 0] } }, dims)).toThrow(/release times \[0, 2, 0\] are not 3 flow times/);
  });

  it('starts SDEdit at (1 − t)·source + t·noise, t the start time', () => {
    const sample = hooksFor({ start: { latents: ramp(4), time: 0.3 } }, ramp(-1)).initialSample();
    sample.forEach((v, i) => expect(v).toBeCloseTo(0.7 * 4 * (i + 1) - 0.3 * (i + 1), 5));
  });

  it('gives tied frames the same noise, and the mean of their values after a step', () => {
    const noise = conditionedNoise(ramp(1), { tied: [[0, 2]] }, dims);
    expect(frameOf(noise, 2)).toEqual(frameOf(ramp(1), 0));
    expect(frameOf(noise, 1)).toEqual(frameOf(ramp(1), 1));
    const sample = hooksFor({ tied: [[0, 2]] }, noise).afterStep({ step: 1, t: 0.5, latents: ramp(1) });
    expect(frameOf(sample, 0)).toEqual([3, 4, 9, 10]); // means of (1,5), (2,6), (7,11), (8,12)
    expect(frameOf(sample, 2)).toEqual(frameOf(sample, 0));
  });

  it('shows the model the sample rolled by the step index and turns its output back, leaving the sample in clip order', () => {
    const hooks = hooksFor({ roll: { from: 1 } }, ramp(-1));
    const latents = ramp(1);
    expect(hooks.beforeStep({ step: 0, t: 1, latents })).toBe(latents);
    const rolled = hooks.beforeStep({ step: 1, t: 0.75, latents });
    expect(rolled).toEqual(rollFrames(latents, dims, 1, 1));
    expect(hooks.outputInClipOrder(1, rolled)).toEqual(latents);
    expect(hooks.afterStep({ step: 1, t: 0.5, latents })).toEqual(latents);
  });

  it('leaves an unconditioned sample alone', () => {
    const hooks = hooksFor({}, ramp(-1));
    expect(hooks.initialSample()).toEqual(ramp(-1));
    const latents = ramp(2);
    expect(hooks.beforeStep({ step: 1, t: 0.75, latents })).toBe(latents);
    expect(hooks.outputInClipOrder(1, latents)).toBe(latents);
    expect(hooks.afterStep({ step: 1, t: 0.5, latents })).toEqual(ramp(2));
  });

  it.each([
    [{ known: { latents: new Float32Array(5), frames: [true, false, false] } }, /known latents hold 5 values, the latent 12/],
    [{ known: { latents: new Float32Array(12), frames: [true] } }, /mask has 1 flags for 3 latent frames/],
    [{ start: { latents: new Float32Array(12), time: 1.5 } }, /start time 1.5 is not a number from 0 to 1/],
    [{ tied: [[1, 1]] as [number, number][] }, /tied frames \[1, 1\]/],
    [{ tied: [[0, 3]] as [number, number][] }, /tied frames \[0, 3\] are not two different latent frames of 0..2/],
    [{ roll: { from: 2 } }, /roll from latent frame 2 leaves fewer than 2 frames/],
  ])('refuses a conditioning that does not fit the latent: %#', (conditioning, message) => {
    let error: PipelineError | undefined;
    try {
      checkConditioning(conditioning, dims);
    } catch (e) {
      error = e as PipelineError;
    }
    expect(error?.code).toBe('invalid-conditioning');
    expect(error?.message).toMatch(message);
  });

  it('rolls frames from..T−1 circularly and back, leaving the frames before alone', () => {
    const latent = ramp(1);
    const rolled = rollFrames(latent, dims, 1, 1);
    expect(frameOf(rolled, 0)).toEqual(frameOf(latent, 0));
    expect(frameOf(rolled, 2)).toEqual(frameOf(latent, 1));
    expect(frameOf(rolled, 1)).toEqual(frameOf(latent, 2));
    expect(rollFrames(rolled, dims, 1, -1)).toEqual(latent);
    expect(rollFrames(latent, dims, 0, 3)).toBe(latent);
  });

  it('warm-starts unknown frames as copies of the nearest known frame, at the given time', () => {
    const known = { latents: ramp(1), frames: [true, false, false] };
    const warm = warmStart({ known }, dims, 0.8);
    expect(warm.start?.time).toBe(0.8);
    expect(frameOf(warm.start!.latents, 1)).toEqual(frameOf(known.latents, 0));
    expect(frameOf(warm.start!.latents, 2)).toEqual(frameOf(known.latents, 0));
    const both = warmStart({ known: { latents: ramp(1), frames: [true, false, true] } }, dims, 0.5);
    expect(frameOf(both.start!.latents, 1)).toEqual(frameOf(ramp(1), 0)); // a tie goes to the earlier frame
    expect(warmStart({ known }, dims, 1)).toEqual({ known });
  });
});

describe('FlowMatchEulerScheduler with a start time (SDEdit)', () => {
  it('starts exactly at the start time and keeps only the schedule times below it', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 2.5 });
    scheduler.setTimesteps(4, 0.5);
    // full schedule: 1, .88235, .71429, .45455, 0
    expect(scheduler.times).toEqual([0.5, 0.45454545454545453, 0]);
    expect(scheduler.timesteps).toEqual([0.5, 0.45454545454545453]);
  });

  it('runs no step at start time 0 and the full schedule at 1', () => {
    const scheduler = new FlowMatchEulerScheduler({ shift: 2.5 });
    scheduler.setTimesteps(4, 0);
    expect(scheduler.timesteps).toEqual([]);
    scheduler.setTimesteps(4, 1);
    expect(scheduler.timesteps).toHaveLength(4);
    expect(() => scheduler.setTimesteps(4, -0.1)).toThrow(/startTime must be in \[0, 1\], got -0.1/);
  });
});
