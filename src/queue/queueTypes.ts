/**
 * The generation queue's data: plain, structured-cloneable records, so the same objects go into the
 * store and into IndexedDB. A job's record is small; what it needs to run (settings and source
 * bytes) is kept apart as its `JobInput`, written once.
 */
import type { GenerateSettings, ModeRequest } from '../engine/protocol';

/** waiting → running → done | failed | cancelled; failed and cancelled jobs can be retried. */
export type JobStatus = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * What a job makes. Only single generations exist today; a storyboard render is meant to become a
 * second kind with its own input, run by the same queue.
 */
export type JobKind = 'generate';

/** Everything the engine needs to run a `generate` job again from its beginning, minus the request id. */
export interface GenerateJobInput {
  readonly settings: GenerateSettings;
  /** The mode with its sources as bytes (uploads) or result ids with their saved file. */
  readonly mode: ModeRequest;
  readonly upscale: number;
  readonly includePromptInFile: boolean;
}

/** One of the seeds of a "Generate 4": which one, and the seed they were all derived from. */
export interface Variation {
  readonly index: number;
  readonly count: number;
  readonly baseSeed: number;
}

export interface QueueJob {
  readonly id: string;
  readonly kind: JobKind;
  /** ISO 8601 time it was queued. */
  readonly createdAt: string;
  readonly status: JobStatus;
  /** What the panel shows of its settings (the input itself may be large). */
  readonly settings: GenerateSettings;
  /** The mode's kind ('text', 'extend', …). */
  readonly modeKind: ModeRequest['kind'];
  /** Starts asked for by the user: 1, then one more per retry. Part of the engine request id. */
  readonly attempt: number;
  /** A reload or closed tab cut its last run: it restarts from its beginning. */
  readonly interrupted: boolean;
  readonly variation: Variation | null;
  /** Why it failed, in words a person can act on. */
  readonly error: string | null;
  /** The gallery id of what it made (done only). */
  readonly resultId: string | null;
  /** Done, but the gallery could not keep it (the result panel still offers the download). */
  readonly keepError: string | null;
  /** A source that lives only in this tab (so a reload would lose it), or a job not saved at all. */
  readonly persistNote: string | null;
}

/** The request id for the engine: stable across a restart after reload, new for each retry. */
export function requestIdOf(job: Pick<QueueJob, 'id' | 'attempt'>): string {
  return `${job.id}-${job.attempt}`;
}
