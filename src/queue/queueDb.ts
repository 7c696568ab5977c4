/**
 * The queue's storage: the job list under one key, each job's input (settings and source bytes)
 * under its own key, written once before the list names it. So the list stays small however often it
 * is rewritten, and an input no list names (a write cut short) is removed when the queue is loaded.
 *
 * Keys: `jobs` (QueueJob[], in run order) and `input:<id>` (a GenerateJobInput or StoryboardJobInput,
 * as the job's kind says).
 */
import type { GenerateJobInput, JobInput, JobKind, QueueJob, StoryboardJobInput } from './queueTypes';

/** The key-value operations the queue needs; IndexedDB in the app, memory in unit tests. */
export interface QueueBackend {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  /** Sets every pair in one transaction: all of them or none. */
  setMany(entries: readonly (readonly [string, unknown])[]): Promise<void>;
  delMany(keys: readonly string[]): Promise<void>;
  keys(): Promise<string[]>;
}

const JOBS_KEY = 'jobs';
const INPUT_PREFIX = 'input:';
const inputKey = (id: string) => `${INPUT_PREFIX}${id}`;

export interface StoredQueue {
  readonly jobs: QueueJob[];
  /** Ids whose input is stored. */
  readonly inputIds: ReadonlySet<string>;
}

export class QueueDb {
  constructor(private readonly backend: QueueBackend) {}

  /** The stored list, and which inputs exist; inputs no job names are deleted. */
  async load(): Promise<StoredQueue> {
    const stored = await this.backend.get(JOBS_KEY);
    const jobs = Array.isArray(stored) ? stored.filter(isQueueJob) : [];
    const named = new Set(jobs.map((job) => job.id));
    const inputIds = new Set<string>();
    const orphans: string[] = [];
    for (const key of await this.backend.keys()) {
      if (!key.startsWith(INPUT_PREFIX)) continue;
      const id = key.slice(INPUT_PREFIX.length);
      if (named.has(id)) inputIds.add(id);
      else orphans.push(key);
    }
    if (orphans.length) await this.backend.delMany(orphans);
    return { jobs, inputIds };
  }

  /** Stores inputs of new jobs (all or none); call before `saveJobs` names them. */
  async putInputs(inputs: readonly (readonly [string, JobInput])[]): Promise<void> {
    if (inputs.length) await this.backend.setMany(inputs.map(([id, input]) => [inputKey(id), input]));
  }

  /** The input of a job of `kind`, or null when none of that kind is stored. */
  async input(id: string, kind: JobKind): Promise<JobInput | null> {
    const value = await this.backend.get(inputKey(id));
    const valid = kind === 'storyboard' ? isStoryboardInput(value) : isGenerateInput(value);
    return valid ? (value as JobInput) : null;
  }

  /** Replaces the stored list. */
  async saveJobs(jobs: readonly QueueJob[]): Promise<void> {
    await this.backend.set(JOBS_KEY, jobs);
  }

  /** Drops inputs no longer needed (done or cleared jobs). */
  async dropInputs(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.backend.delMany(ids.map(inputKey));
  }
}

const STATUSES = new Set(['waiting', 'running', 'done', 'failed', 'cancelled']);
const KINDS = new Set(['generate', 'storyboard']);

function isQueueJob(value: unknown): value is QueueJob {
  const job = value as Partial<QueueJob> | null;
  return typeof job?.id === 'string' && KINDS.has(job.kind as string) && STATUSES.has(job.status as string) && typeof job.settings?.prompt === 'string';
}

function isGenerateInput(value: unknown): value is GenerateJobInput {
  const input = value as Partial<GenerateJobInput> | null;
  return typeof input?.settings?.prompt === 'string' && typeof input.mode?.kind === 'string';
}

/** The board itself is checked again by the engine (parseStoryboard) when the job runs. */
function isStoryboardInput(value: unknown): value is StoryboardJobInput {
  const input = value as Partial<StoryboardJobInput> | null;
  return Array.isArray(input?.board?.cards) && typeof input.media === 'object' && input.media !== null;
}
