/**
 * The runner port on onnxruntime-web (src/runtime/webRunner.ts), with onnxruntime replaced by a
 * stand-in that records sessions and feeds (the real one runs in the browser: e2e tests): sessions
 * made on first use or by `load`, the memory plans, outputs marked for reuse kept on the GPU and fed
 * back as the same GPU tensor, and no run after release.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** What the stand-in onnxruntime saw. */
const ort = vi.hoisted(() => {
  const events: string[] = [];
  const feeds: Record<string, unknown>[] = [];
  let location: 'cpu' | 'gpu-buffer' = 'cpu';
  class Tensor {
    location: 'cpu' | 'gpu-buffer' = 'cpu';
    disposed = false;
    constructor(
      readonly type: string,
      readonly data: Float32Array | BigInt64Array,
      readonly dims: readonly number[],
    ) {}
    async getData(release?: boolean) {
      if (release) this.disposed = true;
      return this.data;
    }
    dispose() {
      this.disposed = true;
    }
  }
  let made = 0;
  const InferenceSession = {
    async create(model: Uint8Array) {
      const role = new TextDecoder().decode(model);
      const id = made++;
      events.push(`create ${role}#${id}`);
      return {
        async run(input: Record<string, unknown>) {
          feeds.push(input);
          const out = new Tensor('float32', Float32Array.of(id), [1]);
          out.location = location;
          return { out };
        },
        async release() {
          events.push(`release ${role}#${id}`);
        },
      };
    },
  };
  const device = { lost: new Promise(() => undefined), queue: { onSubmittedWorkDone: async () => undefined }, destroy: () => undefined };
  const env = { wasm: {} as Record<string, unknown>, webgpu: { adapter: null as unknown, device: Promise.resolve(device) }, logLevel: 'warning' };
  return {
    events,
    feeds,
    setLocation: (l: 'cpu' | 'gpu-buffer') => (location = l),
    reset: () => {
      events.length = 0;
      feeds.length = 0;
      location = 'cpu';
      made = 0;
    },
    module: { Tensor, InferenceSession, env },
  };
});

vi.mock('onnxruntime-web/webgpu', () => ort.module);

const { createWebRunner } = await import('../../src/runtime/webRunner');

function runner(memoryPlan: 'resident' | 'sequential', backend: 'wasm' | 'webgpu' = 'wasm') {
  return createWebRunner({ backend, threads: 1, memoryPlan, loadBytes: async (role) => new TextEncoder().encode(role) });
}

const input = { x: { data: new Float32Array(2), dims: [2] } };

beforeEach(() => ort.reset());

describe('WebRunner', () => {
  it('makes a session on its role\'s first run and keeps every one under the resident plan', async () => {
    const web = runner('resident');
    expect(ort.events).toEqual([]);
    const first = await web.run('textEncoder', input);
    await web.run('dit', input);
    await web.run('dit', input);
    await web.run('textEncoder', input);
    expect(ort.events).toEqual(['create textEncoder#0', 'create dit#1']);
    expect(first.out).toEqual({ data: Float32Array.of(0), dims: [1] });
  });

  it('releases the session it holds before making the next under the sequential plan', async () => {
    const web = runner('sequential');
    for (const role of ['textEncoder', 'dit', 'dit', 'vaeDecoder']) await web.run(role, input);
    expect(ort.events).toEqual(['create textEncoder#0', 'release textEncoder#0', 'create dit#1', 'release dit#1', 'create vaeDecoder#2']);
  });

  it('makes the sessions `load` names, in order, reporting each', async () => {
    const web = runner('resident');
    const loaded: string[] = [];
    await web.load(['textEncoder', 'dit', 'vaeDecoder'], (role, index, total) => loaded.push(`${role} ${index}/${total}`));
    await web.run('dit', input);
    expect(loaded).toEqual(['textEncoder 1/3', 'dit 2/3', 'vaeDecoder 3/3']);
    expect(ort.events).toEqual(['create textEncoder#0', 'create dit#1', 'create vaeDecoder#2']);
  });

  it('keeps outputs marked for reuse on the GPU and feeds that GPU tensor back when their data returns', async () => {
    ort.setLocation('gpu-buffer');
    const web = runner('resident', 'webgpu');
    const embeds = await web.run('textEncoder', input, { reuseOutputs: true });
    await web.run('dit', { text_embeds: embeds.out!, tokens: input.x });
    const fed = ort.feeds[1]!;
    expect((fed.text_embeds as { location: string }).location).toBe('gpu-buffer');
    expect((fed.tokens as { location: string }).location).toBe('cpu');
  });

  it('uploads the data again under the sequential plan, whose next session outlives the one that made it', async () => {
    ort.setLocation('gpu-buffer');
    const web = runner('sequential', 'webgpu');
    const embeds = await web.run('textEncoder', input, { reuseOutputs: true });
    await web.run('dit', { text_embeds: embeds.out! });
    expect((ort.feeds[1]!.text_embeds as { location: string }).location).toBe('cpu');
  });

  it('releases every session and refuses runs afterwards', async () => {
    const web = runner('resident');
    await web.run('textEncoder', input);
    await web.run('dit', input);
    await web.release();
    expect(ort.events.slice(2)).toEqual(['release textEncoder#0', 'release dit#1']);
    await expect(web.run('dit', input)).rejects.toMatchObject({ code: 'not-ready' });
  });
});
