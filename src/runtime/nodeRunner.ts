/**
 * `ModelRunner` over onnxruntime-node: the CLI's runtime and the reference the browser's output is
 * compared with. Every file is checked against the manifest before a session is made, and all
 * session runs go through one queue.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MODEL_ROLES, fileFor, type Manifest, type ModelRole } from '../models/manifest';
import type { DitInputs, ModelRunner, Tensor32 } from '../pipeline/modelRunner';
import { ModelLoadError } from './errors';
import { readVerifiedFile } from './nodePack';
import { RunQueue } from './runQueue';
import type { RunTiming } from './runTimings';
import { SESSION_CONFIG } from './sessionConfig';

export interface NodeRunnerOptions {
  /** Threads per session (onnxruntime's intra-op pool); defaults to onnxruntime's choice. */
  readonly threads?: number;
  /** Timing hook: called after every graph run (see runTimings.ts). */
  readonly onRun?: (timing: RunTiming) => void;
  /** Replaces the shared session config (sessionConfig.ts); `npm run bench` uses {} to measure onnxruntime's defaults. */
  readonly sessionConfig?: Readonly<Record<string, unknown>>;
}

/** Loads the four graphs of the pack in `dir` (already parsed as `manifest`). */
export async function createNodeRunner(dir: string, manifest: Manifest, options: NodeRunnerOptions = {}): Promise<ModelRunner> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    extra: options.sessionConfig ?? SESSION_CONFIG,
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  };
  const sessions = new Map<ModelRole, ort.InferenceSession>();
  try {
    for (const role of MODEL_ROLES) sessions.set(role, await loadSession(dir, manifest, role, sessionOptions));
  } catch (error) {
    await Promise.all([...sessions.values()].map((s) => s.release()));
    throw error;
  }
  const queue = new RunQueue();

  /** Runs one graph and returns its single float32 output. */
  const run = (role: ModelRole, feeds: Record<string, ort.Tensor>, output: string): Promise<Tensor32> =>
    queue.run(async () => {
      const session = sessions.get(role);
      if (!session) throw new ModelLoadError('run-failed', `${role} was released`);
      let result: ort.InferenceSession.ReturnType;
      const started = performance.now();
      try {
        result = await session.run(feeds);
      } catch (cause) {
        throw new ModelLoadError('run-failed', `${role} failed: ${(cause as Error).message}`, { cause });
      }
      options.onRun?.({ role, runMs: performance.now() - started, copyMs: 0 });
      const tensor = result[output];
      if (!tensor || tensor.type !== 'float32') throw new ModelLoadError('run-failed', `${role} returned no float32 "${output}"`);
      return { data: tensor.data as Float32Array, dims: [...tensor.dims] };
    });
  const float = (t: Tensor32) => new ort.Tensor('float32', t.data, t.dims);

  return {
    runTextEncoder: (inputIds, dims) => run('textEncoder', { input_ids: new ort.Tensor('int64', inputIds, dims) }, 'text_embeds'),
    runDit: (inputs: DitInputs) =>
      run(
        'dit',
        { tokens: float(inputs.tokens), positions: float(inputs.positions), timestep: float(inputs.timestep), text_embeds: float(inputs.textEmbeds) },
        'velocity',
      ),
    runVaeDecoder: (latents) => run('vaeDecoder', { latents: float(latents) }, 'frames'),
    runVaeEncoder: (frames) => run('vaeEncoder', { frames: float(frames) }, 'latents'),
    release: () =>
      queue.run(async () => {
        await Promise.all([...sessions.values()].map((s) => s.release()));
        sessions.clear();
      }),
  };
}

async function loadSession(
  dir: string,
  manifest: Manifest,
  role: ModelRole,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  const file = fileFor(manifest, role);
  const bytes = await readVerifiedFile(dir, file);
  const externals = manifest.files.filter((f) => f.role === 'externalData' && f.of === role);
  for (const external of externals) await readVerifiedFile(dir, external);
  try {
    // With external weights, onnxruntime finds them next to the model only when given its path.
    return externals.length > 0 ? await ort.InferenceSession.create(join(dir, file.path), options) : await ort.InferenceSession.create(bytes, options);
  } catch (cause) {
    throw new ModelLoadError('invalid-model', `${join(dir, file.path)} is not a model onnxruntime can load: ${(cause as Error).message}`, { cause });
  }
}
