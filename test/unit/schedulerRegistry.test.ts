import { describe, expect, it } from 'vitest';
import type { SchedulerSpec } from '../../src/models/manifest';
import { FlowMatchEulerScheduler } from '../../src/schedulers/flowMatchEulerScheduler';
import { FlowMatchLcmScheduler } from '../../src/schedulers/flowMatchLcmScheduler';
import { createScheduler, SCHEDULER_TYPES, UnknownSchedulerError } from '../../src/schedulers/registry';
import { UniPcMultistepScheduler } from '../../src/schedulers/uniPcMultistepScheduler';

const spec: SchedulerSpec = { type: 'flow-match-euler', steps: 4, shift: 2.5, guidance: 4 };

describe('scheduler registry', () => {
  it('builds the scheduler a pack names, with the pack’s shift', () => {
    const scheduler = createScheduler(spec);
    expect(scheduler).toBeInstanceOf(FlowMatchEulerScheduler);
    scheduler.setTimesteps(4);
    expect(scheduler.times[1]).toBeCloseTo(0.8823529411764706, 15); // shift 2.5: 1.875 / 2.125
  });

  it('builds the few-step re-noising sampler for flow-match-lcm', () => {
    expect(createScheduler({ ...spec, type: 'flow-match-lcm' } as unknown as SchedulerSpec)).toBeInstanceOf(FlowMatchLcmScheduler);
  });

  it('builds the multistep UniPC sampler for unipc-multistep, with the pack’s shift', () => {
    const scheduler = createScheduler({ ...spec, type: 'unipc-multistep', shift: 3 });
    expect(scheduler).toBeInstanceOf(UniPcMultistepScheduler);
    scheduler.setTimesteps(4);
    // shift 3 on s = 1 − 0.999/4: 3·0.75025 / (1 + 2·0.75025)
    expect(scheduler.times[1]).toBeCloseTo(Math.fround((3 * 0.75025) / (1 + 2 * 0.75025)), 7);
  });

  it('hands every sampler the pack’s explicit times', () => {
    for (const type of SCHEDULER_TYPES) {
      const scheduler = createScheduler({ ...spec, type, steps: 2, times: [0.9, 0.3] } as SchedulerSpec);
      scheduler.setTimesteps(2);
      expect(scheduler.times.map((t) => Math.fround(t))).toEqual([Math.fround(0.9), Math.fround(0.3), 0]);
    }
  });

  it('gives a fresh scheduler each call, so two generations never share a schedule', () => {
    const a = createScheduler(spec);
    a.setTimesteps(2);
    expect(createScheduler(spec).timesteps).toEqual([]);
  });

  it('refuses an unknown type, naming it and the known ones', () => {
    const unknown = { ...spec, type: 'dpm-solver' } as unknown as SchedulerSpec;
    expect(() => createScheduler(unknown)).toThrow(UnknownSchedulerError);
    expect(() => createScheduler(unknown)).toThrow('scheduler type "dpm-solver" is not known; known types: flow-match-euler, flow-match-lcm, unipc-multistep');
    expect(() => createScheduler({ ...spec, type: 'toString' } as unknown as SchedulerSpec)).toThrow(/"toString" is not known/);
    expect(SCHEDULER_TYPES).toEqual(['flow-match-euler', 'flow-match-lcm', 'unipc-multistep']);
  });

  it('gives the error a code to switch on', () => {
    const error = new UnknownSchedulerError('x');
    expect(error).toMatchObject({ name: 'UnknownSchedulerError', code: 'unknown-scheduler', type: 'x' });
  });
});
