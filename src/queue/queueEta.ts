/**
 * When each waiting job should start: the running job's time left, then each job before it in turn,
 * estimated from the last finished job of the same kind and size (aspect and frames) in this session.
 * A job of a kind and size not seen yet makes every later estimate unknown rather than a guess.
 */
import type { GenerateSettings } from '../engine/protocol';
import type { QueueJob } from './queueTypes';

/** What one finished job of a size cost: per denoising step, and outside the loop (encode, decode, mux). */
export interface SizeCost {
  readonly msPerStep: number;
  readonly fixedMs: number;
}

/** Measured costs keyed by `costKey` (a plain record: the store holds it). */
export type CostTable = Readonly<Record<string, SizeCost>>;

/**
 * A storyboard of the same length costs more than one clip (a clip per segment, each with its own
 * encode and decode), so the two kinds are measured apart.
 */
export function costKey(job: Pick<QueueJob, 'kind'> & { readonly settings: Pick<GenerateSettings, 'aspect' | 'frames'> }): string {
  const size = `${job.settings.aspect}×${job.settings.frames}`;
  return job.kind === 'storyboard' ? `storyboard ${size}` : size;
}

/** The cost of a job from its stage timings: denoise time spread over its steps, the rest fixed. */
export function costFromTimings(steps: number, timings: { readonly denoiseMs: number; readonly totalMs: number }): SizeCost {
  return { msPerStep: timings.denoiseMs / Math.max(1, steps), fixedMs: Math.max(0, timings.totalMs - timings.denoiseMs) };
}

/** Estimated run time of a job, or null when no job of its kind and size has finished yet. */
export function estimateJobMs(job: Pick<QueueJob, 'kind' | 'settings'>, costs: CostTable): number | null {
  const cost = costs[costKey(job)];
  return cost ? cost.fixedMs + cost.msPerStep * job.settings.steps : null;
}

/**
 * Milliseconds until each waiting job starts, by id (null = unknown). `runningLeftMs` is the
 * running job's time left (null when unknown; 0 when nothing runs).
 */
export function startEstimates(jobs: readonly QueueJob[], runningLeftMs: number | null, costs: CostTable): Map<string, number | null> {
  const estimates = new Map<string, number | null>();
  let elapsed = runningLeftMs;
  for (const job of jobs) {
    if (job.status !== 'waiting') continue;
    estimates.set(job.id, elapsed);
    const own = estimateJobMs(job, costs);
    elapsed = elapsed === null || own === null ? null : elapsed + own;
  }
  return estimates;
}
