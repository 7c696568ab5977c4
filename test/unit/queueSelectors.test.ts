import { describe, expect, it } from 'vitest';
import type { JobStatus, QueueJob } from '../../src/queue/queueTypes';
import { displayOrder, jobLabel, jobSettingsText, jobStatusText, progressFraction, runningLeftMs } from '../../src/state/queueSelectors';

function job(id: string, status: JobStatus = 'waiting', prompt = `prompt ${id}`): QueueJob {
  return {
    id,
    kind: 'generate',
    createdAt: '2030-01-01T00:00:00.000Z',
    status,
    settings: { prompt, negativePrompt: '', aspect: '1:1', frames: 9, steps: 10, guidance: 4, seed: 7, expandPrompt: true },
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

describe('queue panel text', () => {
  it('names a job by its prompt (shortened) and seed', () => {
    expect(jobLabel(job('a'))).toBe('“prompt a” · seed 7');
    expect(jobLabel(job('a', 'waiting', 'x'.repeat(60)))).toBe(`“${'x'.repeat(47)}…” · seed 7`);
  });

  it('says what each job is doing: step and time left, start estimate, how it ended', () => {
    const progress = { stage: 'denoise' as const, step: 3, total: 10, etaMs: 4200 };
    expect(jobStatusText(job('a', 'running'), progress, undefined)).toBe('Running · Step 3 of 10 · about 4.2 s left');
    expect(jobStatusText(job('a', 'waiting'), null, 12_000)).toBe('Waiting · starts in about 12 s');
    expect(jobStatusText(job('a', 'waiting'), null, null)).toBe('Waiting');
    expect(jobStatusText(job('a', 'done'), null, undefined)).toBe('Done · saved in the gallery');
    expect(jobStatusText({ ...job('a', 'done'), keepError: 'full' }, null, undefined)).toBe('Done, but not kept in the gallery');
    expect(jobStatusText({ ...job('a', 'failed'), error: 'Steps 0 is not allowed' }, null, undefined)).toBe('Failed: Steps 0 is not allowed');
    expect(jobStatusText(job('a', 'cancelled'), null, undefined)).toBe('Cancelled');
  });

  it('estimates the running job’s time left from the engine’s ETA plus the measured rest', () => {
    const costs = { '1:1×9': { msPerStep: 100, fixedMs: 300 } };
    const running = job('a', 'running');
    expect(runningLeftMs(undefined, null, costs)).toBe(0);
    expect(runningLeftMs(running, { stage: 'denoise', step: 4, total: 10, etaMs: 600 }, costs)).toBe(900);
    expect(runningLeftMs(running, { stage: 'encode', step: 0, total: 10, etaMs: null }, costs)).toBe(1300);
    expect(runningLeftMs(running, { stage: 'mux', step: 10, total: 10, etaMs: null }, costs)).toBe(300);
    expect(runningLeftMs(running, { stage: 'encode', step: 0, total: 10, etaMs: null }, {})).toBeNull();
    expect(progressFraction({ stage: 'denoise', step: 5, total: 10, etaMs: null })).toBe(0.5);
  });

  it('shows a running storyboard by segment and step, with the share of its last cost still ahead', () => {
    const board: QueueJob = { ...job('s', 'running'), kind: 'storyboard', modeKind: 'storyboard', settings: { ...job('s').settings, aspect: '16:9', frames: 34, steps: 20 } };
    const segment = { segment: 1, total: 2, label: 'joins', step: 10, steps: 20 };
    expect(progressFraction(segment)).toBe(0.75);
    const costs = { 'storyboard 16:9×34': { msPerStep: 100, fixedMs: 2000 }, '16:9×34': { msPerStep: 1, fixedMs: 1 } };
    expect(runningLeftMs(board, segment, costs)).toBe(1000);
    expect(runningLeftMs(board, null, costs)).toBe(4000);
    expect(runningLeftMs(board, segment, {})).toBeNull();
    expect(jobStatusText(board, segment, undefined, 1000)).toBe('Running · segment 2 of 2 · step 10 of 20 · about 1.0 s left');
    expect(jobStatusText(board, segment, undefined, null)).toBe('Running · segment 2 of 2 · step 10 of 20');
    expect(jobSettingsText(board)).toBe('16:9 · 34 frames · 20 steps a segment · storyboard');
  });

  it('lists the running job, then the waiting ones in turn, then the finished ones', () => {
    const jobs = [job('d1', 'done'), job('w1'), job('r', 'running'), job('c', 'cancelled'), job('w2')];
    expect(displayOrder(jobs).map((j) => j.id)).toEqual(['r', 'w1', 'w2', 'd1', 'c']);
  });
});
