import { describe, expect, it } from 'vitest';
import { unstoredBoardNote, unstoredSourceNote } from '../../src/queue/jobSources';
import { QueueDb, type QueueBackend } from '../../src/queue/queueDb';
import { costFromTimings, estimateJobMs, startEstimates } from '../../src/queue/queueEta';
import { restoreAfterReload } from '../../src/queue/queueLogic';
import type { GenerateJobInput, JobStatus, QueueJob, StoryboardJobInput } from '../../src/queue/queueTypes';
import { boardPrompts, storyboardSummary } from '../../src/queue/storyboardSummary';
import { parseStoryboard } from '../../src/storyboard/storyboardValidator';

/** An in-memory backend with IndexedDB's structured clone (so stored objects are copies), failing on demand. */
function memoryBackend() {
  const data = new Map<string, unknown>();
  const failures = { setMany: 0 };
  const backend: QueueBackend = {
    get: async (key) => structuredClone(data.get(key)),
    set: async (key, value) => void data.set(key, structuredClone(value)),
    setMany: async (entries) => {
      if (failures.setMany > 0 && failures.setMany-- > 0) throw new DOMException('quota', 'QuotaExceededError');
      for (const [key, value] of entries) data.set(key, structuredClone(value));
    },
    delMany: async (keys) => {
      for (const key of keys) data.delete(key);
    },
    keys: async () => [...data.keys()],
  };
  return { backend, data, failures };
}

const SETTINGS = { prompt: 'a red circle', negativePrompt: '', aspect: '1:1', frames: 9, steps: 4, guidance: 4, seed: 1, expandPrompt: true };

function job(id: string, status: JobStatus = 'waiting'): QueueJob {
  return { id, kind: 'generate', createdAt: '2030-01-01T00:00:00.000Z', status, settings: SETTINGS, modeKind: 'text', attempt: 1, interrupted: false, variation: null, error: null, resultId: null, keepError: null, persistNote: null };
}

function input(bytes: number[]): GenerateJobInput {
  return { settings: SETTINGS, mode: { kind: 'image-to-video', image: { kind: 'file', name: 'a.png', type: 'image/png', bytes: new Uint8Array(bytes).buffer } }, upscale: 4, includePromptInFile: true };
}

describe('queue storage', () => {
  it('keeps the list and the source bytes; a reload finds the running job waiting again with its input', async () => {
    const { backend } = memoryBackend();
    const db = new QueueDb(backend);
    await db.putInputs([['a', input([1, 2, 3])], ['b', input([4])]]);
    await db.saveJobs([job('a', 'done'), job('b', 'running'), job('c')]);

    const again = new QueueDb(backend);
    const stored = await again.load();
    expect(stored.jobs.map((j) => `${j.id}:${j.status}`)).toEqual(['a:done', 'b:running', 'c:waiting']);
    const restored = restoreAfterReload(stored.jobs, (id) => stored.inputIds.has(id), 'lost');
    expect(restored.map((j) => `${j.id}:${j.status}:${j.interrupted}`)).toEqual(['b:waiting:true', 'a:done:false', 'c:failed:false']);
    const read = (await again.input('b', 'generate')) as GenerateJobInput | null;
    expect(read?.mode.kind).toBe('image-to-video');
    expect([...new Uint8Array((read!.mode as { image: { bytes: ArrayBuffer } }).image.bytes)]).toEqual([4]);
  });

  it('removes inputs no stored job names (a write cut before the list), and drops inputs on demand', async () => {
    const { backend, data } = memoryBackend();
    const db = new QueueDb(backend);
    await db.putInputs([['kept', input([1])], ['orphan', input([2])]]);
    await db.saveJobs([job('kept')]);
    const stored = await db.load();
    expect([...stored.inputIds]).toEqual(['kept']);
    expect([...data.keys()].sort()).toEqual(['input:kept', 'jobs']);
    await db.dropInputs(['kept']);
    expect(await db.input('kept', 'generate')).toBeNull();
  });

  it('writes all inputs of a "Generate 4" or none; a failed write leaves nothing behind', async () => {
    const { backend, data, failures } = memoryBackend();
    const db = new QueueDb(backend);
    failures.setMany = 1;
    await expect(db.putInputs([['a', input([1])], ['b', input([2])]])).rejects.toThrow(/quota/);
    expect(data.size).toBe(0);
  });

  it('ignores records that are not jobs', async () => {
    const { backend } = memoryBackend();
    await backend.set('jobs', [job('a'), { id: 'x' }, null, { ...job('b'), status: 'exploded' }]);
    expect((await new QueueDb(backend).load()).jobs.map((j) => j.id)).toEqual(['a']);
    await backend.set('jobs', 'not a list');
    expect((await new QueueDb(backend).load()).jobs).toEqual([]);
  });
});

describe('queue start estimates', () => {
  it('adds the running job’s time left and each earlier job’s measured cost; an unmeasured size makes the rest unknown', () => {
    const costs = { '1:1×9': costFromTimings(4, { denoiseMs: 400, totalMs: 500 }) };
    expect(costs['1:1×9']).toEqual({ msPerStep: 100, fixedMs: 100 });
    expect(estimateJobMs({ kind: 'generate', settings: { ...SETTINGS, steps: 10 } }, costs)).toBe(1100);
    // A storyboard of the same size is measured apart: one clip's cost says nothing of it.
    expect(estimateJobMs({ kind: 'storyboard', settings: SETTINGS }, costs)).toBeNull();
    const wide = { ...job('c'), settings: { ...SETTINGS, aspect: '16:9' } };
    const jobs = [job('run', 'running'), job('a'), job('done', 'done'), job('b'), wide, job('d')];
    const starts = startEstimates(jobs, 250, costs);
    expect([...starts.entries()]).toEqual([
      ['a', 250],
      ['b', 750],
      ['c', 1250],
      ['d', null],
    ]);
    expect(startEstimates(jobs, null, costs).get('a')).toBeNull();
  });
});

describe('job sources', () => {
  it('says when a source lives only in this tab: a result id without its saved file', () => {
    const file = { kind: 'file' as const, name: 'a.mp4', type: 'video/mp4', bytes: new ArrayBuffer(1) };
    expect(unstoredSourceNote({ kind: 'text' })).toBeNull();
    expect(unstoredSourceNote({ kind: 'extend', clip: file, direction: 'forward' })).toBeNull();
    expect(unstoredSourceNote({ kind: 'extend', clip: { kind: 'result', id: 'r', fallback: file }, direction: 'forward' })).toBeNull();
    expect(unstoredSourceNote({ kind: 'connect', first: file, second: { kind: 'result', id: 'r' } })).toMatch(/held only by this tab.*reload/);
  });
});

const BOARD = parseStoryboard({
  aspect: '16:9',
  seed: 7,
  cards: [
    { type: 'text', prompt: 'a red circle moving right', seconds: 2 },
    { type: 'image', file: 'key.png' },
    { type: 'clip', file: 'gallery/r1' },
    { type: 'text', prompt: 'a red circle moving up', seconds: 2 },
  ],
});

function storyboardJob(id: string, status: JobStatus = 'waiting'): QueueJob {
  return { ...job(id, status), kind: 'storyboard', modeKind: 'storyboard', settings: storyboardSummary(BOARD, 34, { defaultSteps: 20, defaultGuidance: 4 }) };
}

function storyboardInput(clip: StoryboardJobInput['media'][string]): StoryboardJobInput {
  return { board: BOARD, media: { 'key.png': { kind: 'file', name: 'key.png', type: 'image/png', bytes: new Uint8Array([9, 8]).buffer }, 'gallery/r1': clip }, includePromptInFile: true };
}

describe('storyboard jobs', () => {
  it('summarise the board for the panel: its prompts in order, seed, aspect, planned frames, the pack’s steps where the board leaves them', () => {
    expect(storyboardJob('s').settings).toEqual({ prompt: 'a red circle moving right → a red circle moving up', negativePrompt: '', aspect: '16:9', frames: 34, steps: 20, guidance: 4, seed: 7, expandPrompt: false });
    expect(storyboardSummary({ ...BOARD, steps: 2 }, 34, { defaultSteps: 20, defaultGuidance: 4 }).steps).toBe(2);
    expect(boardPrompts({ cards: [{ type: 'image', file: 'a.png' }] })).toBe('storyboard');
  });

  it('are stored with their board and source bytes beside generate jobs; a reload finds the running one waiting again, first', async () => {
    const { backend } = memoryBackend();
    const db = new QueueDb(backend);
    const file = { kind: 'file' as const, name: 'c.mp4', type: 'video/mp4', bytes: new Uint8Array([5]).buffer };
    await db.putInputs([['g', input([1])], ['s', storyboardInput({ kind: 'result', id: 'r1', fallback: file })]]);
    await db.saveJobs([job('g'), storyboardJob('s', 'running')]);

    const again = new QueueDb(backend);
    const stored = await again.load();
    expect(stored.jobs.map((j) => `${j.id}:${j.kind}`)).toEqual(['g:generate', 's:storyboard']);
    const restored = restoreAfterReload(stored.jobs, (id) => stored.inputIds.has(id), 'lost');
    expect(restored.map((j) => `${j.id}:${j.status}:${j.interrupted}`)).toEqual(['s:waiting:true', 'g:waiting:false']);
    const read = (await again.input('s', 'storyboard')) as StoryboardJobInput | null;
    expect(read?.board).toEqual(BOARD);
    expect([...new Uint8Array((read!.media['key.png'] as { bytes: ArrayBuffer }).bytes)]).toEqual([9, 8]);
    expect(read!.media['gallery/r1']).toEqual({ kind: 'result', id: 'r1', fallback: file });
    // Each kind's input is read only as that kind: a generate job never runs a board, nor the reverse.
    expect(await again.input('s', 'generate')).toBeNull();
    expect(await again.input('g', 'storyboard')).toBeNull();
  });

  it('say when a card’s gallery clip has no file to store (a reload would lose it)', () => {
    const file = { kind: 'file' as const, name: 'c.mp4', type: 'video/mp4', bytes: new ArrayBuffer(1) };
    expect(unstoredBoardNote(storyboardInput({ kind: 'result', id: 'r1', fallback: file }).media)).toBeNull();
    expect(unstoredBoardNote(storyboardInput({ kind: 'result', id: 'r1' }).media)).toMatch(/held only by this tab.*reload/);
  });

  it('take their ETA from the last storyboard of the same size, after the running job', () => {
    const costs = { 'storyboard 16:9×34': costFromTimings(20, { denoiseMs: 2000, totalMs: 2600 }) };
    expect(estimateJobMs(storyboardJob('s'), costs)).toBe(2600);
    const jobs = [job('run', 'running'), storyboardJob('s1'), storyboardJob('s2'), job('g')];
    expect([...startEstimates(jobs, 100, costs).entries()]).toEqual([
      ['s1', 100],
      ['s2', 2700],
      ['g', 5300],
    ]);
  });
});
