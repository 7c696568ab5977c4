/**
 * The limit the browser is measured against: the same pipeline (src/pipeline/textToVideo.ts) and
 * pack on onnxruntime-node, the CPU build, in this process. Also makes the held-out clips for the
 * adherence score (P5) exactly as `training/evaluate.py --pack` does through the CLI, but in one
 * process instead of one `npx tsx` start per clip.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeY4m } from '../cli/y4m';
import type { Manifest } from '../src/models/manifest';
import type { ModelRunner } from '../src/pipeline/modelRunner';
import { createArchitecture } from '../src/architectures/registry';
import { textToVideo, type GeneratedVideo, type TextToVideoRequest } from '../src/pipeline/textToVideo';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodeRunner } from '../src/runtime/nodeRunner';
import { RunTotals } from '../src/runtime/runTimings';

export interface NativeRun {
  /** textToVideo wall time: text encoder + denoising loop + VAE decode + the pipeline's own work. */
  readonly ms: number;
  readonly runMs: number;
  readonly runs: number;
  readonly runMsByRole: Readonly<Record<string, number>>;
  readonly video: GeneratedVideo;
}

export interface NativePack {
  readonly manifest: Manifest;
  run(request: TextToVideoRequest): Promise<NativeRun>;
  release(): Promise<void>;
}

/**
 * Loads `dir` on onnxruntime-node: `threads` intra-op threads, or its default (one per core);
 * `defaultConfig` leaves out Tessera's session config (measures an older engine's reference).
 */
export async function loadNativePack(dir: string, threads?: number, defaultConfig = false): Promise<NativePack> {
  const manifest = await readManifestFile(dir);
  let totals = new RunTotals();
  const runner: ModelRunner = await createNodeRunner(dir, manifest, {
    ...(threads ? { threads } : {}),
    ...(defaultConfig ? { sessionConfig: {} } : {}),
    onRun: (timing) => totals.add(timing),
  });
  const architecture = createArchitecture(manifest, runner);
  return {
    manifest,
    async run(request) {
      totals = new RunTotals();
      const started = performance.now();
      const video = await textToVideo(architecture, manifest, request);
      const ms = performance.now() - started;
      const { runMs, runs, byRole } = totals.data();
      return { ms, runMs, runs, runMsByRole: byRole, video };
    },
    release: () => runner.release(),
  };
}

/**
 * Writes `<i>.y4m` for each caption in `folder` with the settings of `training/evaluate.py`
 * (`generate_with_cli`): seed i, 1:1, 17 frames, `steps`, `guidance`, no upscaling.
 */
export async function writeHeldOutClips(pack: NativePack, captions: readonly string[], folder: string, steps: number, guidance: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const [i, caption] of captions.entries()) {
    const { video } = await pack.run({ prompt: caption, seed: i, aspect: '1:1', frames: 17, steps, guidance });
    await writeFile(join(folder, `${i}.y4m`), encodeY4m(video, video.fps));
  }
}
