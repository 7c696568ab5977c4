/**
 * The generation queue's data: plain, structured-cloneable records, so the same objects go into the
 * store and into IndexedDB. A job's record is small; what it needs to run (settings and source
 * bytes) is kept apart as its `JobInput`, written once.
 */
import type { GenerateSettings, MediaInput, ModeRequest } from '../engine/protocol';
import type { Storyboard } from '../storyboard/storyboardTypes';

/** waiting → running → done | failed | cancelled; failed and cancelled jobs can be retried. */
export type JobStatus = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';

/** What a job makes: one clip from the form, or a storyboard's render into one MP4. */
export type JobKind = 'generate' | 'storyboard';

/** Everything the engine needs to run a `generate` job again from its beginning, minus the request id. */
export interface GenerateJobInput {
  readonly settings: GenerateSettings;
  /** The mode with its sources as bytes (uploads) or result ids with their saved file. */
  readonly mode: ModeRequest;
  readonly upscale: number;
  readonly includePromptInFile: boolean;
}

/** Everything the engine needs to render a `storyboard` job again from its beginning, minus the request id. */
export interface StoryboardJobInput {
  readonly board: Storyboard;
  /** Each image and clip card's `file` → its bytes (uploads) or the gallery result it names, with its saved file. */
  readonly media: Readonly<Record<string, MediaInput>>;
  readonly includePromptInFile: boolean;
}

/** A job's input; which one follows from the job's `kind`. */
export type JobInput = GenerateJobInput | StoryboardJobInput;

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
  /**
   * What the panel shows of its settings (the input itself may be large). A storyboard's is its
   * summary: its prompts joined by arrows, its seed, aspect, planned frames and steps per segment.
   */
  readonly settings: GenerateSettings;
  /** The mode's kind ('text', 'extend', …); 'storyboard' for a storyboard job. */
  readonly modeKind: ModeRequest['kind'] | 'storyboard';
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
