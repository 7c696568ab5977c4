/**
 * The benchmark's cache page (P3), bundled by esbuild at bench start and served by bench/server.ts,
 * never part of the app's build: the weight cache's own measurements (src/cache/bench.ts) against
 * real IndexedDB in Chromium, with the model packs on the local server.
 */
import { measureCacheRead, measureColdWarmLoad, ModelStore, type CacheReadMeasurement, type LoadMeasurement } from '../../src/cache/index';

export interface CacheBenchResult {
  readonly load: LoadMeasurement[];
  readonly read: CacheReadMeasurement;
}

const cacheBench = {
  /** `rounds` cold/warm load pairs of the pack at `manifestUrl`, then the read rate over `readRounds` reads. */
  async run(manifestUrl: string, rounds: number, readRounds: number): Promise<CacheBenchResult> {
    const store = new ModelStore();
    const load: LoadMeasurement[] = [];
    for (let i = 0; i < rounds; i++) load.push(await measureColdWarmLoad(store, manifestUrl, { checkQuota: false }));
    const read = await measureCacheRead(store, load[0]!.pack, readRounds);
    return { load, read };
  },
};

declare global {
  interface Window {
    cacheBench: typeof cacheBench;
  }
}

window.cacheBench = cacheBench;
document.body.dataset.ready = '1';
