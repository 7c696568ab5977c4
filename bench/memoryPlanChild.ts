/**
 * One memory plan measured in a process of its own (bench/memoryPlans.ts starts it), so that one
 * plan's peak cannot hide in the other's: the pack on onnxruntime-node under `plan`, the default
 * clip generated twice, the process's peak resident set and V8 heap sampled around each generation.
 * Prints one JSON line (`PlanMemory`).
 *
 *   npx tsx bench/memoryPlanChild.ts <pack dir> <resident|sequential>
 */
import { createArchitecture } from '../src/architectures/registry';
import { MEMORY_PLANS, type MemoryPlan } from '../src/models/manifest';
import { textToVideo } from '../src/pipeline/textToVideo';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { DEFAULT_CLIP, PROMPT, SEED } from './config';
import { resetPeak, rss, sampleRss } from './rss';

/** What one plan cost in one process. Bytes and milliseconds. */
export interface PlanMemory {
  readonly plan: MemoryPlan;
  /** Resident set before any session existed (Node, onnxruntime's binding and the pack's manifest loaded). */
  readonly baseRssBytes: number;
  /** Peak resident set during the first generation (sessions made on first use) and during the second. */
  readonly firstPeakRssBytes: number;
  readonly secondPeakRssBytes: number;
  /** Peak V8 heap (heapUsed) over both generations: the JS side of the tensors. */
  readonly peakHeapUsedBytes: number;
  readonly firstMs: number;
  readonly secondMs: number;
  /** Graph roles run, in order, over both generations. */
  readonly roles: readonly string[];
}

async function main(): Promise<void> {
  const [dir, plan] = process.argv.slice(2);
  if (!dir || !(MEMORY_PLANS as readonly string[]).includes(plan ?? '')) throw new Error('usage: memoryPlanChild.ts <pack dir> <resident|sequential>');
  const manifest = await readManifestFile(dir);
  const roles: string[] = [];
  const runner = createNodeRunner(dir, manifest, { memoryPlan: plan as MemoryPlan, onRun: (timing) => roles.push(timing.role) });
  const architecture = createArchitecture(manifest, runner);
  const request = { prompt: PROMPT, seed: SEED, ...DEFAULT_CLIP };
  let peakHeap = process.memoryUsage().heapUsed;
  const heapTimer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);

  /** One generation with the process's peak resident set around it (sampled, and the kernel's high-water mark). */
  const generation = async () => {
    resetPeak(process.pid);
    const sampler = sampleRss(process.pid);
    const started = performance.now();
    await textToVideo(architecture, manifest, request);
    const ms = performance.now() - started;
    const sampled = sampler.stop() ?? 0;
    return { ms, peak: Math.max(sampled, rss(process.pid)?.peak ?? 0) };
  };
  const baseRssBytes = rss(process.pid)?.current ?? 0;
  const first = await generation();
  const second = await generation();
  clearInterval(heapTimer);
  await runner.release();
  const result: PlanMemory = {
    plan: plan as MemoryPlan,
    baseRssBytes,
    firstPeakRssBytes: first.peak,
    secondPeakRssBytes: second.peak,
    peakHeapUsedBytes: peakHeap,
    firstMs: first.ms,
    secondMs: second.ms,
    roles,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
