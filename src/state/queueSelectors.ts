/** What the queue panel says about each job, computed from plain store data. */
import { estimateJobMs, sizeKey, type CostTable } from '../queue/queueEta';
import type { QueueJob } from '../queue/queueTypes';
import { formatDuration, progressText } from './selectors';
import type { GenerationProgress } from './slices/generationSlice';

/** “a red circle…” · seed 42: how a job is named in the panel, in button labels and in the title. */
export function jobLabel(job: Pick<QueueJob, 'settings'>): string {
  const prompt = job.settings.prompt.length > 48 ? `${job.settings.prompt.slice(0, 47)}…` : job.settings.prompt;
  return `“${prompt}” · seed ${job.settings.seed}`;
}

/** Running: the step and time left; waiting: when it should start; finished: how it ended. */
export function jobStatusText(job: QueueJob, progress: GenerationProgress | null, startsInMs: number | null | undefined): string {
  switch (job.status) {
    case 'running':
      return progress ? `Running · ${progressText(progress)}` : 'Running…';
    case 'waiting':
      return startsInMs === null || startsInMs === undefined ? 'Waiting' : `Waiting · starts in about ${formatDuration(startsInMs)}`;
    case 'done':
      return job.keepError ? 'Done, but not kept in the gallery' : 'Done · saved in the gallery';
    case 'failed':
      return `Failed: ${job.error ?? 'unknown error'}`;
    case 'cancelled':
      return 'Cancelled';
  }
}

/** A short summary of a job's settings: "1:1 · 17 frames · 20 steps · Extend". */
export function jobSettingsText(job: QueueJob): string {
  const { aspect, frames, steps } = job.settings;
  const mode = job.modeKind === 'text' ? '' : ` · ${job.modeKind}`;
  return `${aspect} · ${frames === 1 ? 'image' : `${frames} frames`} · ${steps} steps${mode}`;
}

/** How far a generation is, 0 to 1: denoising steps, then full once decoding starts. */
export function progressFraction(progress: GenerationProgress): number {
  if (progress.stage === 'denoise') return progress.step / Math.max(1, progress.total);
  return progress.stage === 'decode' || progress.stage === 'mux' ? 1 : 0;
}

/**
 * The running job's time left: the engine's estimate for the denoising steps plus what the rest cost
 * last time for its size; null while unknown, 0 when nothing runs.
 */
export function runningLeftMs(running: QueueJob | undefined, progress: GenerationProgress | null, costs: CostTable): number | null {
  if (!running) return 0;
  const fixed = costs[sizeKey(running.settings)]?.fixedMs;
  if (progress?.stage === 'denoise' && progress.etaMs !== null) return progress.etaMs + (fixed ?? 0);
  return progress?.stage === 'decode' || progress?.stage === 'mux' ? (fixed ?? null) : estimateJobMs(running.settings, costs);
}

/** Display order: the running job, the waiting ones in turn, then the finished ones as they stand. */
export function displayOrder(jobs: readonly QueueJob[]): QueueJob[] {
  const rank = (job: QueueJob) => (job.status === 'running' ? 0 : job.status === 'waiting' ? 1 : 2);
  return jobs.map((job, index) => ({ job, index })).sort((a, b) => rank(a.job) - rank(b.job) || a.index - b.index).map(({ job }) => job);
}
