/**
 * When each waiting job should start: the running job's time left, then each job before it in turn,
 * estimated from the last finished job of the same size (aspect and frames) in this session. A job
 * of a size not seen yet makes every later estimate unknown rather than a guess.
 */
import type { GenerateSettings } from '../engine/protocol';
import type { QueueJob } from './queueTypes';

/** What one finished job of a size cost: per denoising step, and outside the loop (encode, decode, mux). */
export interface SizeCost {
  readonly msPerStep: number;
  readonly fixedMs: number;
}

/** Measured costs keyed by `sizeKey` (a plain record: the store holds it). */
export type CostTable = Readonly<Record<string, SizeCost>>;

export function sizeKey(settings: Pick<GenerateSettings, 'aspect' | 'frames'>): string {
  return `${settings.aspect}×${settings.frames}`;
}

/** The cost of a job from its stage timings: denoise time spread over its steps, the rest fixed. */
export function costFromTimings(steps: number, timings: { readonly denoiseMs: number; readonly totalMs: number }): SizeCost {
  return { msPerStep: timings.denoiseMs / Math.max(1, steps), fixedMs: Math.max(0, timings.totalMs - timings.denoiseMs) };
}

/** Estimated run time of a job, or null when no job of its size has finished yet. */
export function estimateJobMs(settings: GenerateSettings, costs: CostTable): number | null {
  const cost = costs[sizeKey(settings)];
  return cost ? cost.fixedMs + cost.msPerStep * settings.steps : null;
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
    const own = estimateJobMs(job.settings, costs);
    elapsed = elapsed === null || own === null ? null : elapsed + own;
  }
  return estimates;
}
