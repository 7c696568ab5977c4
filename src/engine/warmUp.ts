/**
 * Idle-time warm-up of onnxruntime's WebAssembly, run by the engine right after `init` while the user
 * types. V8 first runs wasm on its baseline compiler (Liftoff) and moves hot functions to the
 * optimizing one (TurboFan) only after they ran a while: measured by `npm run bench`, one DiT step
 * of the default clip took ~150 ms cold and ~18 ms after some 60 runs, so without this the first
 * clip or two ran at a fraction of the engine's speed. Running the graphs on throwaway inputs moves
 * that cost out of the first generation. It stops at once when a generation starts (one run at most
 * is in flight), and after a time budget.
 */
import type { Manifest } from '../models/manifest';
import { latentDims } from '../pipeline/latents';
import type { DitInputs, ModelRunner } from '../pipeline/modelRunner';
import { patchPositions, tokenGrid } from '../pipeline/patches';

/** Longest the warm-up may keep the CPU busy. */
const WARM_UP_BUDGET_MS = 8000;
/** Runs per check of whether per-run time has stopped falling. */
const WINDOW = 5;
/**
 * Fewest DiT runs before that check: tier-up comes in steps (measured: ~100 ms, then a plateau near
 * 40 ms for some 30 runs, then ~18 ms), so an early check would stop on the plateau.
 */
const MIN_RUNS = 60;

export interface WarmUpReport {
  readonly runs: number;
  readonly ms: number;
  /** Median ms of the first and the last window of DiT runs. */
  readonly firstRunMs: number;
  readonly lastRunMs: number;
  readonly stopped: 'settled' | 'budget' | 'interrupted';
}

/**
 * Runs the text encoder, the VAE decoder and then the DiT on the shape of the pack's middle clip
 * (the form's default) until the DiT's time per run settles, `shouldStop()` says a generation is
 * waiting, or `budgetMs` passed.
 */
export async function warmUpRunner(runner: ModelRunner, manifest: Manifest, shouldStop: () => boolean, budgetMs = WARM_UP_BUDGET_MS): Promise<WarmUpReport> {
  const started = performance.now();
  const size = manifest.video.sizes['1:1'] ?? Object.values(manifest.video.sizes)[0]!;
  const frames = manifest.video.frameCounts[Math.min(2, manifest.video.frameCounts.length - 1)]!;
  const dims = latentDims(manifest.latent, size, frames);
  const grid = tokenGrid(dims, manifest.patch);
  const { maxLength } = manifest.tokenizer;

  const textEmbeds = await runner.runTextEncoder(new BigInt64Array(2 * maxLength), [2, maxLength]);
  if (!shouldStop()) await runner.runVaeDecoder({ data: new Float32Array(dims.channels * dims.frames * dims.height * dims.width), dims: [1, dims.channels, dims.frames, dims.height, dims.width] });
  const inputs: DitInputs = {
    tokens: { data: new Float32Array(2 * grid.count * grid.size), dims: [2, grid.count, grid.size] },
    positions: { data: patchPositions(dims, manifest.patch), dims: [grid.count, 3] },
    timestep: { data: Float32Array.of(0.5, 0.5), dims: [2] },
    textEmbeds,
  };
  const times: number[] = [];
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  let stopped: WarmUpReport['stopped'] = 'budget';
  while (performance.now() - started < budgetMs) {
    if (shouldStop()) {
      stopped = 'interrupted';
      break;
    }
    const runStarted = performance.now();
    await runner.runDit(inputs);
    times.push(performance.now() - runStarted);
    // Settled: the last window is no faster than 0.9× the one before it.
    if (times.length >= MIN_RUNS && median(times.slice(-WINDOW)) > 0.9 * median(times.slice(-2 * WINDOW, -WINDOW))) {
      stopped = 'settled';
      break;
    }
  }
  return {
    runs: times.length,
    ms: performance.now() - started,
    firstRunMs: times.length ? median(times.slice(0, WINDOW)) : Number.NaN,
    lastRunMs: times.length ? median(times.slice(-WINDOW)) : Number.NaN,
    stopped,
  };
}
