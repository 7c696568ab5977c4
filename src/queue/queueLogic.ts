/**
 * The queue's rules as pure functions over the job list (array order is run order): which job runs
 * next, moving, cancelling, retrying, and the state a reload leaves. Each returns a new list and
 * leaves the one it was given untouched; an operation that does not apply returns the same list.
 */
import type { QueueJob } from './queueTypes';

export type MoveDirection = 'up' | 'down';

/** The job that should run now: none while one runs, else the first waiting one. */
export function nextJob(jobs: readonly QueueJob[]): QueueJob | null {
  if (jobs.some((job) => job.status === 'running')) return null;
  return jobs.find((job) => job.status === 'waiting') ?? null;
}

/** The waiting jobs in the order they will run. */
export function waitingJobs(jobs: readonly QueueJob[]): QueueJob[] {
  return jobs.filter((job) => job.status === 'waiting');
}

/** Appends new jobs after everything already queued. */
export function addJobs(jobs: readonly QueueJob[], added: readonly QueueJob[]): readonly QueueJob[] {
  return added.length === 0 ? jobs : [...jobs, ...added];
}

/** Marks a waiting job running. */
export function startJob(jobs: readonly QueueJob[], id: string): readonly QueueJob[] {
  return patch(jobs, id, (job) => (job.status === 'waiting' ? { ...job, status: 'running' } : job));
}

/** A running job's result is in the gallery (or could not be kept: `keepError`). */
export function finishJob(jobs: readonly QueueJob[], id: string, resultId: string, keepError: string | null = null): readonly QueueJob[] {
  return patch(jobs, id, (job) => (job.status === 'running' ? { ...job, status: 'done', resultId, keepError, error: null } : job));
}

/** A running job stopped with an error. */
export function failJob(jobs: readonly QueueJob[], id: string, error: string): readonly QueueJob[] {
  return patch(jobs, id, (job) => (job.status === 'running' ? { ...job, status: 'failed', error } : job));
}

/** Cancels a waiting or running job; finished ones stay as they are. */
export function cancelJob(jobs: readonly QueueJob[], id: string): readonly QueueJob[] {
  return patch(jobs, id, (job) => (job.status === 'waiting' || job.status === 'running' ? { ...job, status: 'cancelled' } : job));
}

/** Queues a failed or cancelled job again, after the jobs already waiting, as a new attempt. */
export function retryJob(jobs: readonly QueueJob[], id: string): readonly QueueJob[] {
  const job = jobs.find((other) => other.id === id);
  if (!job || (job.status !== 'failed' && job.status !== 'cancelled')) return jobs;
  const again: QueueJob = { ...job, status: 'waiting', attempt: job.attempt + 1, error: null, interrupted: false };
  return [...jobs.filter((other) => other.id !== id), again];
}

/**
 * Moves a waiting job one place up or down among the waiting jobs (running and finished jobs keep
 * their places); at either end nothing changes.
 */
export function moveJob(jobs: readonly QueueJob[], id: string, direction: MoveDirection): readonly QueueJob[] {
  const index = jobs.findIndex((job) => job.id === id);
  if (index < 0 || jobs[index]!.status !== 'waiting') return jobs;
  const step = direction === 'up' ? -1 : 1;
  let other = index + step;
  while (other >= 0 && other < jobs.length && jobs[other]!.status !== 'waiting') other += step;
  if (other < 0 || other >= jobs.length) return jobs;
  const moved = [...jobs];
  [moved[index], moved[other]] = [moved[other]!, moved[index]!];
  return moved;
}

/** Takes done, failed and cancelled jobs off the list. */
export function clearFinished(jobs: readonly QueueJob[]): readonly QueueJob[] {
  return jobs.filter((job) => job.status === 'waiting' || job.status === 'running');
}

/**
 * The list as a new page finds it: a job stored as running was cut by the reload or the closed tab,
 * so it waits again, marked interrupted, ahead of every other waiting job (it had its turn). A waiting
 * or running job whose input was never stored cannot run: it fails with `lostInput`'s words.
 */
export function restoreAfterReload(jobs: readonly QueueJob[], hasInput: (id: string) => boolean, lostInput: string): readonly QueueJob[] {
  const restored = jobs.map((job): QueueJob => {
    const unfinished = job.status === 'waiting' || job.status === 'running';
    if (unfinished && !hasInput(job.id)) return { ...job, status: 'failed', error: lostInput };
    return job.status === 'running' ? { ...job, status: 'waiting', interrupted: true } : job;
  });
  const cut = restored.filter((job, i) => job.status === 'waiting' && jobs[i]!.status === 'running');
  return [...cut, ...restored.filter((job) => !cut.includes(job))];
}

function patch(jobs: readonly QueueJob[], id: string, change: (job: QueueJob) => QueueJob): readonly QueueJob[] {
  const index = jobs.findIndex((job) => job.id === id);
  if (index < 0) return jobs;
  const changed = change(jobs[index]!);
  if (changed === jobs[index]) return jobs;
  return jobs.map((job, i) => (i === index ? changed : job));
}
