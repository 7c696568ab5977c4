/** The engine's idle-time warm-up: runs every sampling graph, stops for a generation, settles, keeps its budget. */
import { describe, expect, it } from 'vitest';
import { warmUpArchitecture } from '../../src/engine/warmUp';
import type { Manifest } from '../../src/models/manifest';
import { tesseraTiny } from '../../src/architectures/tessera-tiny/tesseraTiny';
import type { ModelRunner, NamedTensors, Tensor32 } from '../../src/pipeline/modelRunner';
import { readManifestFile } from '../../src/runtime/nodePack';
import { TESSERA_TINY_DIR } from '../fixtures/packDirs';

/** A runner whose DiT takes `ditMs(i)` for its i-th run (a busy wait, as a wasm run blocks). */
function timedRunner(ditMs: (run: number) => number): { runner: ModelRunner; calls: string[] } {
  const calls: string[] = [];
  const zeros = (dims: number[]): Tensor32 => ({ data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims });
  let dits = 0;
  const runner: ModelRunner = {
    run: async (role, feeds): Promise<NamedTensors> => {
      calls.push(role);
      if (role === 'textEncoder') {
        const [batch = 0, length = 0] = feeds.input_ids!.dims;
        return { text_embeds: zeros([batch, length, 128]) };
      }
      if (role === 'dit') {
        const until = performance.now() + ditMs(dits++);
        while (performance.now() < until);
        return { velocity: zeros([...feeds.tokens!.dims]) };
      }
      if (role === 'vaeDecoder') {
        const [, , t = 0, h = 0, w = 0] = feeds.latents!.dims;
        return { frames: zeros([1, 3, 1 + 4 * (t - 1), 4 * h, 4 * w]) };
      }
      throw new Error(`warm-up ran ${role}`);
    },
    release: async () => undefined,
  };
  return { runner, calls };
}

describe('warmUpArchitecture', () => {
  let manifest: Manifest;
  const load = async () => (manifest ??= await readManifestFile(TESSERA_TINY_DIR));

  it('runs the text encoder, the VAE decoder, then the DiT until its time per run stops falling', async () => {
    const { runner, calls } = timedRunner((i) => Math.max(1, 12 - i));
    const report = await warmUpArchitecture(tesseraTiny(await load(), runner), await load(), () => false, 5000);
    expect(calls.slice(0, 3)).toEqual(['textEncoder', 'vaeDecoder', 'dit']);
    expect(report.stopped).toBe('settled');
    expect(report.lastRunMs).toBeLessThan(report.firstRunMs);
    expect(report.runs).toBe(calls.filter((c) => c === 'dit').length);
  });

  it('stops before its next run once a generation is waiting', async () => {
    const { runner, calls } = timedRunner(() => 2);
    // A generation arrives while the first DiT run is in flight.
    const report = await warmUpArchitecture(tesseraTiny(await load(), runner), await load(), () => calls.includes('dit'), 5000);
    expect(report.stopped).toBe('interrupted');
    expect(calls.filter((c) => c === 'dit')).toHaveLength(1);
  });

  it('keeps to its time budget when the runs never settle', async () => {
    const { runner } = timedRunner((i) => 20 / (i + 1) + 1);
    const started = performance.now();
    const report = await warmUpArchitecture(tesseraTiny(await load(), runner), await load(), () => false, 60);
    expect(report.stopped).toBe('budget');
    expect(performance.now() - started).toBeLessThan(60 + 40);
  });
});
