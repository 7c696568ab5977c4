import { describe, expect, it } from 'vitest';
import { addJobs, cancelJob, clearFinished, failJob, finishJob, moveJob, nextJob, restoreAfterReload, retryJob, startJob, waitingJobs } from '../../src/queue/queueLogic';
import { requestIdOf, type JobStatus, type QueueJob } from '../../src/queue/queueTypes';

function job(id: string, status: JobStatus = 'waiting'): QueueJob {
  return {
    id,
    kind: 'generate',
    createdAt: '2030-01-01T00:00:00.000Z',
    status,
    settings: { prompt: `prompt ${id}`, negativePrompt: '', aspect: '1:1', frames: 9, steps: 2, guidance: 4, seed: 1, expandPrompt: true },
    modeKind: 'text',
    attempt: 1,
    interrupted: false,
    variation: null,
    error: null,
    resultId: null,
    keepError: null,
    persistNote: null,
  };
}

const ids = (jobs: readonly QueueJob[]) => jobs.map((j) => j.id);
const statuses = (jobs: readonly QueueJob[]) => jobs.map((j) => `${j.id}:${j.status}`);

describe('queue logic', () => {
  it('runs jobs in order, one at a time', () => {
    let jobs = addJobs([], [job('a'), job('b'), job('c')]);
    expect(nextJob(jobs)?.id).toBe('a');
    jobs = startJob(jobs, 'a');
    expect(nextJob(jobs)).toBeNull();
    jobs = finishJob(jobs, 'a', 'a-1');
    expect(nextJob(jobs)?.id).toBe('b');
    jobs = failJob(startJob(jobs, 'b'), 'b', 'out of memory');
    expect(nextJob(jobs)?.id).toBe('c');
    expect(statuses(jobs)).toEqual(['a:done', 'b:failed', 'c:waiting']);
    expect(jobs[0]!.resultId).toBe('a-1');
    expect(jobs[1]!.error).toBe('out of memory');
  });

  it('leaves the list it was given untouched and returns the same list when nothing applies', () => {
    const jobs = [job('a'), job('b', 'done')];
    const frozen = JSON.stringify(jobs);
    startJob(jobs, 'a');
    cancelJob(jobs, 'a');
    expect(JSON.stringify(jobs)).toBe(frozen);
    expect(finishJob(jobs, 'a', 'x')).toBe(jobs); // not running
    expect(cancelJob(jobs, 'b')).toBe(jobs); // already done
    expect(startJob(jobs, 'missing')).toBe(jobs);
  });

  it('moves a waiting job among the waiting ones, past running and finished jobs, and not past the ends', () => {
    const jobs = [job('done', 'done'), job('run', 'running'), job('a'), job('b'), job('c')];
    expect(ids(moveJob(jobs, 'b', 'up'))).toEqual(['done', 'run', 'b', 'a', 'c']);
    expect(ids(moveJob(jobs, 'b', 'down'))).toEqual(['done', 'run', 'a', 'c', 'b']);
    expect(moveJob(jobs, 'a', 'up')).toBe(jobs);
    expect(moveJob(jobs, 'c', 'down')).toBe(jobs);
    expect(moveJob(jobs, 'run', 'down')).toBe(jobs);
    const withGap = [job('a'), job('x', 'cancelled'), job('b')];
    expect(ids(moveJob(withGap, 'b', 'up'))).toEqual(['b', 'x', 'a']);
    expect(waitingJobs(moveJob(withGap, 'a', 'down')).map((j) => j.id)).toEqual(['b', 'a']);
  });

  it('cancels waiting and running jobs; the next waiting one runs', () => {
    let jobs = startJob([job('a'), job('b'), job('c')], 'a');
    jobs = cancelJob(jobs, 'b');
    expect(statuses(jobs)).toEqual(['a:running', 'b:cancelled', 'c:waiting']);
    jobs = cancelJob(jobs, 'a');
    expect(nextJob(jobs)?.id).toBe('c');
  });

  it('retries a failed or cancelled job as a new attempt after the waiting ones; never a done or waiting one', () => {
    let jobs = [job('a', 'cancelled'), job('b'), { ...job('c', 'failed'), error: 'boom' }, job('d', 'done')];
    jobs = [...retryJob(jobs, 'c')];
    expect(statuses(jobs)).toEqual(['a:cancelled', 'b:waiting', 'd:done', 'c:waiting']);
    expect(jobs[3]!).toMatchObject({ attempt: 2, error: null });
    expect(requestIdOf(jobs[3]!)).toBe('c-2');
    expect(retryJob(jobs, 'd')).toBe(jobs);
    expect(retryJob(jobs, 'b')).toBe(jobs);
    jobs = [...retryJob(jobs, 'a')];
    expect(ids(waitingJobs(jobs))).toEqual(['b', 'c', 'a']);
  });

  it('after a reload, the job that was running waits again first, marked interrupted, with the same request id', () => {
    // 'c' was moved above the running job while it ran: the cut job still goes first.
    const stored = [job('a', 'done'), job('c'), { ...job('b', 'running'), attempt: 3 }, job('d'), job('e', 'cancelled')];
    const restored = restoreAfterReload(stored, () => true, 'lost');
    expect(statuses(restored)).toEqual(['b:waiting', 'a:done', 'c:waiting', 'd:waiting', 'e:cancelled']);
    expect(restored[0]!.interrupted).toBe(true);
    expect(restored.slice(1).some((j) => j.interrupted)).toBe(false);
    expect(requestIdOf(restored[0]!)).toBe('b-3');
    expect(nextJob(restored)?.id).toBe('b');
  });

  it('after a reload, an unfinished job whose input was never stored fails with the reason; finished ones need none', () => {
    const stored = [job('a', 'done'), job('b', 'running'), job('c'), job('d')];
    const restored = restoreAfterReload(stored, (id) => id === 'd', 'not stored');
    expect(statuses(restored)).toEqual(['a:done', 'b:failed', 'c:failed', 'd:waiting']);
    expect(restored[1]!.error).toBe('not stored');
    expect(nextJob(restored)?.id).toBe('d');
  });

  it('clears done, failed and cancelled jobs only', () => {
    const jobs = [job('a', 'done'), job('b', 'running'), job('c', 'failed'), job('d'), job('e', 'cancelled')];
    expect(ids(clearFinished(jobs))).toEqual(['b', 'd']);
  });
});

describe('queue layer', () => {
  it('keeps its rules pure: only idbQueueBackend.ts touches IndexedDB, and nothing imports the page', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/queue/', import.meta.url);
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(files).toContain('queueLogic.ts');
    for (const name of files) {
      const imports = [...readFileSync(new URL(name, dir), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      const platform = imports.filter((spec) => /^(idb-keyval|react|zustand|comlink|onnxruntime-)/.test(spec) || /\/(state|ui|app|engine\/client)\b/.test(spec));
      expect({ name, platform }).toEqual({ name, platform: name === 'idbQueueBackend.ts' ? ['idb-keyval'] : [] });
    }
  });
});
