/** The runners' timing hook: every graph run is reported once, and the totals add up per graph. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchitecture } from '../../src/architectures/registry';
import { DEFAULT_MODEL_DIR } from '../../cli/run';
import type { Manifest } from '../../src/models/manifest';
import type { ModelRunner } from '../../src/pipeline/modelRunner';
import { textToVideo } from '../../src/pipeline/textToVideo';
import { readManifestFile } from '../../src/runtime/nodePack';
import { createNodeRunner } from '../../src/runtime/nodeRunner';
import { RunTotals, type RunTiming } from '../../src/runtime/runTimings';

describe('RunTotals', () => {
  it('sums runs, run time and copy time, and run time by graph', () => {
    const totals = new RunTotals();
    totals.add({ role: 'textEncoder', runMs: 2, copyMs: 0.5 });
    totals.add({ role: 'dit', runMs: 10, copyMs: 1 });
    totals.add({ role: 'dit', runMs: 12, copyMs: 1 });
    expect(totals.data()).toEqual({ runs: 3, runMs: 24, copyMs: 2.5, byRole: { textEncoder: 2, dit: 22 } });
  });

  it('hands out a copy: later runs do not change data already read', () => {
    const totals = new RunTotals();
    totals.add({ role: 'dit', runMs: 1, copyMs: 0 });
    const first = totals.data();
    totals.add({ role: 'dit', runMs: 1, copyMs: 0 });
    expect(first.byRole).toEqual({ dit: 1 });
  });
});

describe('the onnxruntime-node runner with a timing hook', () => {
  let manifest: Manifest;
  let runner: ModelRunner;
  const seen: RunTiming[] = [];

  beforeAll(async () => {
    manifest = await readManifestFile(DEFAULT_MODEL_DIR);
    runner = await createNodeRunner(DEFAULT_MODEL_DIR, manifest, { threads: 1, onRun: (timing) => seen.push(timing) });
  });
  afterAll(() => runner?.release());

  it('reports one timing per graph run of a generation: text encoder, each step, VAE decoder', async () => {
    await textToVideo(createArchitecture(manifest, runner), manifest, { prompt: 'a red circle moving left on a blue background', seed: 1, aspect: '1:1', frames: 9, steps: 3 });
    expect(seen.map((t) => t.role)).toEqual(['textEncoder', 'dit', 'dit', 'dit', 'vaeDecoder']);
    for (const timing of seen) {
      expect(timing.runMs).toBeGreaterThan(0);
      expect(timing.copyMs).toBe(0);
    }
  });
});
