/** What `npm run bench` measures, and how often. One place, so the report can print it. */

export const PROMPT = 'a red circle moving left on a blue background';
export const SEED = 1234;

export interface ClipSettings {
  readonly aspect: string;
  readonly frames: number;
  readonly steps: number;
}

/** The app's default clip (form defaults, pack's default steps). */
export const DEFAULT_CLIP: ClipSettings = { aspect: '1:1', frames: 17, steps: 20 };

/**
 * Token counts for seconds per step: latent frames · (h/2) · (w/2) patches of 2×2 on the 16-channel
 * latent (space /4, time /4). 1:1 × 1 frame = 16, × 17 = 80, × 33 = 144; 16:9 × 33 = 252.
 */
export const SCALING_CLIPS: readonly (ClipSettings & { tokens: number })[] = [
  { aspect: '1:1', frames: 1, steps: 10, tokens: 16 },
  { aspect: '1:1', frames: 17, steps: 10, tokens: 80 },
  { aspect: '1:1', frames: 33, steps: 10, tokens: 144 },
  { aspect: '16:9', frames: 33, steps: 10, tokens: 252 },
];

/**
 * WebGPU here is SwiftShader, a CPU emulation 20-80× slower than WASM: compare it on a short clip
 * (9 frames, 2 steps) so the whole bench stays within minutes. A real GPU runs the same settings.
 */
export const GPU_CLIP: ClipSettings = { aspect: '1:1', frames: 9, steps: 2 };

/** Peak memory at three durations (1:1): 9, 17 and 33 frames = 3, 5 and 9 latent frames. */
export const MEMORY_FRAMES = [9, 17, 33] as const;

/**
 * How long the P1 page sits idle after loading before its first generation: a person reading the
 * page and typing a prompt (the engine warms up in that time; the first generation is reported).
 */
export const IDLE_AFTER_LOAD_MS = 8000;

export interface BenchPlan {
  /**
   * Timed runs per measurement, after `warmup` untimed generations: V8 moves onnxruntime's wasm
   * from its baseline to its optimizing compiler only after some 60 DiT runs (src/engine/warmUp.ts).
   */
  readonly runs: number;
  readonly warmup: number;
  readonly scalingRuns: number;
  readonly gpuRuns: number;
  readonly gpuWarmup: number;
  readonly cacheRounds: number;
  /** Held-out scenes scored per pack (all 64 = what training/evaluate.py scores). */
  readonly adherenceScenes: number;
  /** Fresh processes per memory plan (bench/memoryPlans.ts). */
  readonly memoryPlanRounds: number;
}

export const FULL_PLAN: BenchPlan = { runs: 9, warmup: 3, scalingRuns: 3, gpuRuns: 2, gpuWarmup: 1, cacheRounds: 3, adherenceScenes: 64, memoryPlanRounds: 3 };
/** `--quick`: one of everything, to check the bench itself works. */
export const QUICK_PLAN: BenchPlan = { runs: 1, warmup: 1, scalingRuns: 1, gpuRuns: 1, gpuWarmup: 0, cacheRounds: 1, adherenceScenes: 4, memoryPlanRounds: 1 };
