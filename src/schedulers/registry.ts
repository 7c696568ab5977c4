/**
 * The one place that maps a manifest `scheduler.type` to a sampler. Adding a sampler is one module
 * in this folder and one line in SCHEDULERS; the table's type makes it cover exactly the types the
 * manifest parser accepts (`SCHEDULER_TYPE_NAMES` in src/models/manifestTypes.ts).
 */
import type { SchedulerSpec } from '../models/manifest';
import { FlowMatchEulerScheduler } from './flowMatchEulerScheduler';
import { FlowMatchLcmScheduler } from './flowMatchLcmScheduler';
import type { Scheduler } from './scheduler';
import { UniPcMultistepScheduler } from './uniPcMultistepScheduler';

// Each sampler reads the spec's shift and, when the pack has them, its explicit times.
const SCHEDULERS: Readonly<Record<SchedulerSpec['type'], (spec: SchedulerSpec) => Scheduler>> = Object.freeze({
  'flow-match-euler': (spec: SchedulerSpec) => new FlowMatchEulerScheduler(spec),
  'flow-match-lcm': (spec: SchedulerSpec) => new FlowMatchLcmScheduler(spec),
  'unipc-multistep': (spec: SchedulerSpec) => new UniPcMultistepScheduler(spec),
});

/** The scheduler types this build can sample with. */
export const SCHEDULER_TYPES: readonly string[] = Object.freeze(Object.keys(SCHEDULERS));

/** A pack names a scheduler this build does not have. */
export class UnknownSchedulerError extends Error {
  override readonly name = 'UnknownSchedulerError';
  readonly code = 'unknown-scheduler';

  constructor(readonly type: string) {
    super(`scheduler type ${JSON.stringify(type)} is not known; known types: ${SCHEDULER_TYPES.join(', ')}`);
  }
}

/** A fresh scheduler of the type a pack asks for; throws UnknownSchedulerError for any other type. */
export function createScheduler(spec: SchedulerSpec): Scheduler {
  const create = Object.hasOwn(SCHEDULERS, spec.type) ? SCHEDULERS[spec.type] : undefined;
  if (!create) throw new UnknownSchedulerError(spec.type);
  return create(spec);
}
