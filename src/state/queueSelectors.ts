/** What the queue panel says about each job, computed from plain store data. */
import { costKey, estimateJobMs, type CostTable } from '../queue/queueEta';
import type { QueueJob } from '../queue/queueTypes';
import { formatDuration, progressText } from './selectors';
import type { GenerationProgress } from './slices/generationSlice';
import type { StoryboardSegmentProgress } from './storyboardSlice';

/** The running job's progress: a generation's stage and step, or a storyboard's segment and step. */
export type RunProgress = GenerationProgress | StoryboardSegmentProgress;

function isSegmentProgress(progress: RunProgress): progress is StoryboardSegmentProgress {
  return 'segment' in progress;
}

/** “a red circle…” · seed 42: how a job is named in the panel, in button labels and in the title. */
export function jobLabel(job: Pick<QueueJob, 'settings'>): string {
  const prompt = job.settings.prompt.length > 48 ? `${job.settings.prompt.slice(0, 47)}…` : job.settings.prompt;
  return `“${prompt}” · seed ${job.settings.seed}`;
}

/**
 * Running: the step and time left (a storyboard's segment too, its time left from `leftMs`); waiting:
 * when it should start; finished: how it ended.
 */
export function jobStatusText(job: QueueJob, progress: RunProgress | null, startsInMs: number | null | undefined, leftMs: number | null = null): string {
  switch (job.status) {
    case 'running':
      if (progress && isSegmentProgress(progress)) {
        const left = leftMs === null ? '' : ` · about ${formatDuration(leftMs)} left`;
        return `Running · segment ${progress.segment + 1} of ${progress.total} · step ${progress.step} of ${progress.steps}${left}`;
      }
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

/** A short summary of a job's settings: "1:1 · 17 frames · 20 steps · extend", "16:9 · 34 frames · 2 steps a segment · storyboard". */
export function jobSettingsText(job: QueueJob): string {
  const { aspect, frames, steps } = job.settings;
  if (job.kind === 'storyboard') return `${aspect} · ${frames} frames · ${steps} steps a segment · storyboard`;
  const mode = job.modeKind === 'text' ? '' : ` · ${job.modeKind}`;
  return `${aspect} · ${frames === 1 ? 'image' : `${frames} frames`} · ${steps} steps${mode}`;
}

/** How far a job is, 0 to 1: denoising steps, then full once decoding starts; a storyboard by segments and their steps. */
export function progressFraction(progress: RunProgress): number {
  if (isSegmentProgress(progress)) return (progress.segment + progress.step / Math.max(1, progress.steps)) / Math.max(1, progress.total);
  if (progress.stage === 'denoise') return progress.step / Math.max(1, progress.total);
  return progress.stage === 'decode' || progress.stage === 'mux' ? 1 : 0;
}

/**
 * The running job's time left: the engine's estimate for the denoising steps plus what the rest cost
 * last time for its size; for a storyboard (whose engine estimate covers one segment) the share of
 * its last cost still ahead. Null while unknown, 0 when nothing runs.
 */
export function runningLeftMs(running: QueueJob | undefined, progress: RunProgress | null, costs: CostTable): number | null {
  if (!running) return 0;
  if (running.kind === 'storyboard') {
    const whole = estimateJobMs(running, costs);
    return whole === null ? null : whole * (1 - (progress ? progressFraction(progress) : 0));
  }
  const stage = progress === null || isSegmentProgress(progress) ? null : progress;
  const fixed = costs[costKey(running)]?.fixedMs;
  if (stage?.stage === 'denoise' && stage.etaMs !== null) return stage.etaMs + (fixed ?? 0);
  return stage?.stage === 'decode' || stage?.stage === 'mux' ? (fixed ?? null) : estimateJobMs(running, costs);
}

/** Display order: the running job, the waiting ones in turn, then the finished ones as they stand. */
export function displayOrder(jobs: readonly QueueJob[]): QueueJob[] {
  const rank = (job: QueueJob) => (job.status === 'running' ? 0 : job.status === 'waiting' ? 1 : 2);
  return jobs.map((job, index) => ({ job, index })).sort((a, b) => rank(a.job) - rank(b.job) || a.index - b.index).map(({ job }) => job);
}
