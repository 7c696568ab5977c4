/**
 * Idle-time warm-up of onnxruntime's WebAssembly, run by the engine right after `init` while the user
 * types. V8 first runs wasm on its baseline compiler (Liftoff) and moves hot functions to the
 * optimizing one (TurboFan) only after they ran a while: measured by `npm run bench`, one DiT step
 * of the default clip took ~150 ms cold and ~18 ms after some 60 runs, so without this the first
 * clip or two ran at a fraction of the engine's speed. Running the graphs on throwaway inputs moves
 * that cost out of the first generation. It stops at once when a generation starts (one run at most
 * is in flight), and after a time budget.
 */
import type { Architecture } from '../pipeline/architecture';
import type { PackSettings } from '../pipeline/textToVideo';

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
 * Encodes an empty prompt pair, decodes a zero latent, then predicts on it over and over, all on the
 * shape of the pack's middle clip (the form's default), until the denoiser's time per run settles,
 * `shouldStop()` says a generation is waiting, or `budgetMs` passed.
 */
export async function warmUpArchitecture(architecture: Architecture, pack: PackSettings, shouldStop: () => boolean, budgetMs = WARM_UP_BUDGET_MS): Promise<WarmUpReport> {
  const started = performance.now();
  const size = pack.video.sizes['1:1'] ?? Object.values(pack.video.sizes)[0]!;
  const frames = pack.video.frameCounts[Math.min(2, pack.video.frameCounts.length - 1)]!;
  const shape = architecture.latentShape(size, frames);
  const sample = new Float32Array(shape.channels * shape.frames * shape.height * shape.width);

  const embeddings = await architecture.encodePrompt(['', '']);
  if (!shouldStop()) await drain(architecture.decode(sample, shape));
  const times: number[] = [];
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  let stopped: WarmUpReport['stopped'] = 'budget';
  while (performance.now() - started < budgetMs) {
    if (shouldStop()) {
      stopped = 'interrupted';
      break;
    }
    const runStarted = performance.now();
    await architecture.predict(sample, shape, 0.5, embeddings);
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

/** Runs a decode to its end; the frames are thrown away. */
async function drain(groups: AsyncIterable<unknown>): Promise<void> {
  const iterator = groups[Symbol.asyncIterator]();
  while (!(await iterator.next()).done);
}
