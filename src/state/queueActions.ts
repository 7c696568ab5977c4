/**
 * The generation queue's actions: every generation is a job queued here, from the form or a
 * storyboard's Render, run one at a time on the engine, and kept in IndexedDB (src/queue/) so a
 * reload or a closed tab loses none. A job is done only once the gallery holds its file.
 * Module-level functions that read and update the store.
 */
import { toEngineError } from '../engine/errors';
import { resolveOutputScale } from '../media/outputScale';
import type { GenerateResult, GenerateSettings, ModeRequest } from '../engine/protocol';
import { unstoredBoardNote, unstoredSourceNote } from '../queue/jobSources';
import { idbQueueBackend } from '../queue/idbQueueBackend';
import { QueueDb } from '../queue/queueDb';
import { costFromTimings, costKey } from '../queue/queueEta';
import {
  addJobs,
  cancelJob,
  clearFinished,
  failJob,
  finishJob,
  moveJob,
  nextJob,
  restoreAfterReload,
  retryJob,
  startJob,
  type MoveDirection,
} from '../queue/queueLogic';
import { requestIdOf, type GenerateJobInput, type JobInput, type QueueJob, type StoryboardJobInput } from '../queue/queueTypes';
import { variationSeeds } from '../queue/variationSeeds';
import { backendLabel, clearRunning, runGeneration, showResult } from './actions';
import { announceFinished } from './finishAnnouncer';
import { keepInGallery } from './galleryActions';
import { editedCaption, modeRequest } from './modeActions';
import { jobLabel } from './queueSelectors';
import { expansionUnavailable } from './selectors';
import { clearStoryboardRun, runStoryboardJob, showStoryboardResult } from './storyboardRun';
import { useStore, type StoreState } from './store';

/** How many jobs "Generate 4" queues. */
export const VARIATION_COUNT = 4;

const LOST_INPUT = 'its settings and sources were not stored on this device before the page closed; queue it again from the form.';

/** Held by the tab that keeps the stored queue; another tab runs its jobs without storing them. */
const QUEUE_LOCK = 'tessera-queue';
const OTHER_TAB = 'Another Tessera tab keeps the queue: jobs queued here run, but a reload loses them. Close the other tab to keep them.';

let db: QueueDb | null = null;
/** Inputs of jobs queued in this session, so running them does not read them back. */
const inputs = new Map<string, JobInput>();
/** The job on the engine now; `saving` once its file is on the way to the gallery (too late to cancel). */
let running: { id: string; kind: QueueJob['kind']; controller: AbortController; saving: boolean } | null = null;
/** Until the stored list is read (or cannot be), nothing runs, so a job cut by a reload goes first. */
let mayRun = false;
/** This tab has read the stored list and keeps it: only then is anything written over it. */
let mayStore = false;
let writes: Promise<void> = Promise.resolve();

function queueDb(): QueueDb | null {
  if (typeof indexedDB === 'undefined') return null;
  db ??= new QueueDb(idbQueueBackend());
  return db;
}

/**
 * Reads the stored queue (a job cut by a reload waits again, first, marked interrupted), then runs
 * jobs whenever the engine is ready. One tab at a time keeps the stored queue (a Web Lock): a second
 * tab would run the same jobs again and write over the list, so it runs its own jobs unstored until
 * the first tab closes, then takes the queue over. Call once at start-up.
 */
export async function startQueue(): Promise<void> {
  useStore.subscribe((state, previous) => {
    if (state.engineStatus === 'ready' && previous.engineStatus !== 'ready') void runNext();
  });
  const store = queueDb();
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!store || !locks) {
    if (store) await loadStored(store);
    else showStorageError(new Error('this browser offers no IndexedDB'));
    allowRunning();
    return;
  }
  const ownerAtOnce = await new Promise<boolean>((resolve) => {
    void locks.request(QUEUE_LOCK, { ifAvailable: true }, async (lock) => {
      resolve(lock !== null);
      if (lock) await holdUntilPageCloses();
    });
  });
  if (ownerAtOnce) {
    await loadStored(store);
  } else {
    useStore.setState({ queueStorageError: OTHER_TAB });
    void locks.request(QUEUE_LOCK, async () => {
      useStore.setState({ queueStorageError: null });
      await loadStored(store);
      void runNext();
      await holdUntilPageCloses();
    });
  }
  allowRunning();
}

/** A lock callback's promise that never settles: the lock is released when the page goes away. */
function holdUntilPageCloses(): Promise<never> {
  return new Promise<never>(() => undefined);
}

function allowRunning(): void {
  mayRun = true;
  void runNext();
}

/** Merges the stored list before this tab's own jobs and stores the result (with their inputs). */
async function loadStored(store: QueueDb): Promise<void> {
  try {
    const stored = await store.load();
    const restored = restoreAfterReload(stored.jobs, (id) => stored.inputIds.has(id), LOST_INPUT);
    // Jobs queued before the list was read come after the stored ones; their inputs are stored now.
    const own = useStore.getState().queue.filter((job) => inputs.has(job.id) && (job.status === 'waiting' || job.status === 'running'));
    await store.putInputs(own.map((job) => [job.id, inputs.get(job.id)!]));
    useStore.setState((state) => ({ queue: [...restored, ...state.queue.map((job) => (own.includes(job) ? { ...job, persistNote: unstoredNote(inputs.get(job.id)!) } : job))] }));
    mayStore = true;
    persist();
  } catch (error) {
    showStorageError(error);
  }
}

/** A uniformly random uint32 seed. */
function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** The form's settings; the seed is drawn here when random so it is always known. */
function formSettings(state: StoreState): GenerateSettings {
  const caption = editedCaption(state);
  return {
    prompt: state.prompt,
    negativePrompt: state.negativePrompt,
    aspect: state.aspect,
    frames: state.frames,
    steps: state.steps,
    guidance: state.guidance,
    seed: state.seedMode === 'random' ? randomSeed() : state.seed,
    // The user's choice waits for a pack that expands; one without expansion reads the prompt as written.
    expandPrompt: state.expandPrompt && expansionUnavailable(state.pack) === null,
    // A caption the user edited is used as written, not expanded again.
    ...(caption !== null ? { prompt: caption, expandPrompt: false } : {}),
  };
}

/**
 * Queues the form's settings: one job, or `count` variations whose seeds follow from the form's seed
 * (drawn at random when the form asks for it). Sources are read into bytes now, so later changes to
 * the form do not touch queued jobs. A missing source is said at once and queues nothing.
 */
export async function queueFromForm(count = 1): Promise<void> {
  const state = useStore.getState();
  if (state.engineStatus !== 'ready') return;
  let mode: ModeRequest;
  try {
    mode = await modeRequest();
  } catch (error) {
    useStore.setState({ error: toEngineError(error).toData() });
    return;
  }
  const base = formSettings(state);
  const seeds = count === 1 ? [base.seed] : variationSeeds(base.seed, count);
  const createdAt = new Date().toISOString();
  const input = { mode, upscale: resolveOutputScale(state.upscale, state.pack), includePromptInFile: state.promptInFile };
  const jobs: QueueJob[] = seeds.map((seed, index) => ({
    id: crypto.randomUUID(),
    kind: 'generate',
    createdAt,
    status: 'waiting',
    settings: { ...base, seed },
    modeKind: mode.kind,
    attempt: 1,
    interrupted: false,
    variation: count === 1 ? null : { index: index + 1, count, baseSeed: base.seed },
    error: null,
    resultId: null,
    keepError: null,
    persistNote: unstoredSourceNote(mode),
  }));
  useStore.setState({ error: null });
  await enqueue(jobs.map((job): [QueueJob, GenerateJobInput] => [job, { ...input, settings: job.settings }]));
}

/**
 * Queues a storyboard's render: `settings` is the board's summary for the panel (storyboardSummary.ts),
 * `input` the board with every source it names already read into bytes or gallery ids.
 */
export async function queueStoryboard(settings: GenerateSettings, input: StoryboardJobInput): Promise<void> {
  const job: QueueJob = {
    id: crypto.randomUUID(),
    kind: 'storyboard',
    createdAt: new Date().toISOString(),
    status: 'waiting',
    settings,
    modeKind: 'storyboard',
    attempt: 1,
    interrupted: false,
    variation: null,
    error: null,
    resultId: null,
    keepError: null,
    persistNote: unstoredBoardNote(input.media),
  };
  await enqueue([[job, input]]);
}

/** Stores the jobs' inputs (all or none; a job whose input could not be stored says so), then queues them. */
async function enqueue(added: readonly (readonly [QueueJob, JobInput])[]): Promise<void> {
  for (const [job, input] of added) inputs.set(job.id, input);
  let stored = added.map(([job]) => job);
  try {
    if (!mayStore) throw new Error('the queue is not kept by this tab');
    await queueDb()?.putInputs(added.map(([job, input]) => [job.id, input]));
  } catch (error) {
    const note = `Not stored on this device (${errorText(error)}): a reload loses this job.`;
    stored = stored.map((job) => ({ ...job, persistNote: note }));
  }
  setQueue(addJobs(useStore.getState().queue, stored));
  void runNext();
}

/** What a job says about a source a reload would lose (null when all are stored). */
function unstoredNote(input: JobInput): string | null {
  return 'board' in input ? unstoredBoardNote(input.media) : unstoredSourceNote(input.mode);
}

/** Cancels a job: a waiting one is taken out of turn, the running one is stopped in the engine. */
export function cancelQueuedJob(id: string): void {
  if (running?.id === id) {
    if (running.saving) return;
    running.controller.abort();
    if (running.kind === 'storyboard') clearStoryboardRun();
    else clearRunning();
  }
  setQueue(cancelJob(useStore.getState().queue, id));
}

/** Cancels the running job (the form's Cancel); the next waiting job starts once the engine has stopped. */
export function cancelRunningJob(): void {
  if (running) cancelQueuedJob(running.id);
}

/** Cancels the running job if it is a storyboard's render (the storyboard page's Cancel). */
export function cancelRunningStoryboard(): void {
  if (running?.kind === 'storyboard') cancelQueuedJob(running.id);
}

/** Queues a failed or cancelled job again, from its beginning, after the jobs already waiting. */
export function retryQueuedJob(id: string): void {
  setQueue(retryJob(useStore.getState().queue, id));
  void runNext();
}

export function moveQueuedJob(id: string, direction: MoveDirection): void {
  setQueue(moveJob(useStore.getState().queue, id, direction));
}

/** Takes finished jobs off the list (their clips stay in the gallery). */
export function clearFinishedJobs(): void {
  const before = useStore.getState().queue;
  const after = clearFinished(before);
  const gone = before.filter((job) => !after.includes(job)).map((job) => job.id);
  for (const id of gone) inputs.delete(id);
  setQueue(after);
  void queueDb()?.dropInputs(gone).catch(() => undefined);
}

/** Runs the next waiting job if the engine is ready and free; then the one after, until none waits. */
async function runNext(): Promise<void> {
  if (!mayRun || running || useStore.getState().engineStatus !== 'ready') return;
  const job = nextJob(useStore.getState().queue);
  if (!job) return;
  const controller = new AbortController();
  running = { id: job.id, kind: job.kind, controller, saving: false };
  setQueue(startJob(useStore.getState().queue, job.id));
  try {
    const input = inputs.get(job.id) ?? (await queueDb()?.input(job.id, job.kind)) ?? null;
    if (!input) throw new Error(LOST_INPUT);
    const result = 'board' in input ? await runStoryboardJob(requestIdOf(job), input, controller.signal) : await runGeneration(requestIdOf(job), input, controller.signal);
    if (controller.signal.aborted) return;
    running.saving = true;
    await finish(job, result);
  } catch (error) {
    if (controller.signal.aborted) return;
    const data = toEngineError(error).toData();
    useStore.setState(job.kind === 'storyboard' ? { storyboardError: data } : { error: data });
    setQueue(failJob(useStore.getState().queue, job.id, data.message));
    announceFinished(jobLabel(job), false);
  } finally {
    running = null;
    void runNext();
  }
}

/** Keeps the result in the gallery first, then shows it and marks the job done: "done" means stored. */
async function finish(job: QueueJob, result: GenerateResult): Promise<void> {
  const file = new Blob([result.file.bytes], { type: result.file.mimeType });
  const keepError = await keepInGallery(result, file, backendLabel(result.backend));
  if (job.kind === 'storyboard') showStoryboardResult(result);
  else showResult(result);
  const steps = job.settings.steps;
  useStore.setState((state) => ({ queueCosts: { ...state.queueCosts, [costKey(job)]: costFromTimings(steps, result.timings) } }));
  setQueue(finishJob(useStore.getState().queue, job.id, result.id, keepError));
  announceFinished(jobLabel(job), true);
  if (keepError === null) {
    inputs.delete(job.id);
    void queueDb()?.dropInputs([job.id]).catch(() => undefined);
  }
}

function setQueue(queue: readonly QueueJob[]): void {
  if (queue === useStore.getState().queue) return;
  useStore.setState({ queue });
  persist();
}

/** Writes the list as it is now, after any write still under way (so writes land in order). */
function persist(): void {
  const store = queueDb();
  if (!mayStore || !store) return;
  writes = writes.then(() => store.saveJobs(useStore.getState().queue)).catch(showStorageError);
}

function showStorageError(error: unknown): void {
  useStore.setState({ queueStorageError: `The queue cannot be kept on this device (${errorText(error)}): jobs still run, but a reload loses the ones waiting.` });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
