/**
 * The runner port on onnxruntime-node: the CLI's runtime and the reference the browser's output is
 * compared with. A graph's session is made on its first run, after its file (and external-data
 * files) are checked against the manifest, and kept as the pack's memory plan says (sessionPool.ts);
 * all runs go through one queue.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fileFor, type Manifest, type MemoryPlan, type ModelRole } from '../models/manifest';
import type { ModelRunner, NamedTensors } from '../pipeline/modelRunner';
import { ModelLoadError } from './errors';
import { readVerifiedFile, verifyFile } from './nodePack';
import { createNodePackData } from './nodePackData';
import { elementType, plainTensors } from './plainTensors';
import { RunQueue } from './runQueue';
import type { RunTiming } from './runTimings';
import { SessionPool } from './sessionPool';
import { SESSION_CONFIG } from './sessionConfig';

export interface NodeRunnerOptions {
  /** Threads per session (onnxruntime's intra-op pool); defaults to onnxruntime's choice. */
  readonly threads?: number;
  /** Timing hook: called after every graph run (see runTimings.ts). */
  readonly onRun?: (timing: RunTiming) => void;
  /** Replaces the shared session config (sessionConfig.ts); `npm run bench` uses {} to measure onnxruntime's defaults. */
  readonly sessionConfig?: Readonly<Record<string, unknown>>;
  /** Overrides the manifest's `runtime.memoryPlan` (`npm run bench` measures both on one pack). */
  readonly memoryPlan?: MemoryPlan;
}

/** A runner for the pack in `dir` (already parsed as `manifest`); no session exists until a role first runs. */
export function createNodeRunner(dir: string, manifest: Manifest, options: NodeRunnerOptions = {}): ModelRunner {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    extra: options.sessionConfig ?? SESSION_CONFIG,
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  };
  const pool = new SessionPool<ort.InferenceSession>(options.memoryPlan ?? manifest.runtime.memoryPlan, {
    create: (role) => loadSession(dir, manifest, role, sessionOptions),
    release: (session) => session.release(),
  });
  const queue = new RunQueue();

  return {
    run: (role, feeds) =>
      queue.run(async () => {
        if (pool.closed) throw new ModelLoadError('run-failed', `${role} was released`);
        const session = await pool.acquire(role);
        const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(elementType(t), t.data, t.dims)]));
        let result: ort.InferenceSession.ReturnType;
        const started = performance.now();
        try {
          result = await session.run(ortFeeds);
        } catch (cause) {
          throw new ModelLoadError('run-failed', `${role} failed: ${(cause as Error).message}`, { cause });
        }
        options.onRun?.({ role, runMs: performance.now() - started, copyMs: 0 });
        try {
          return plainTensors(result, role) satisfies NamedTensors;
        } catch (cause) {
          throw new ModelLoadError('run-failed', (cause as Error).message, { cause });
        }
      }),
    release: () => queue.run(() => pool.close()),
    data: createNodePackData(dir, manifest),
  };
}

async function loadSession(dir: string, manifest: Manifest, role: ModelRole, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  const file = fileFor(manifest, role);
  const bytes = await readVerifiedFile(dir, file);
  const externals = manifest.files.filter((f) => f.role === 'externalData' && f.of === role);
  for (const external of externals) await verifyFile(dir, external);
  try {
    // With external weights, onnxruntime finds them next to the model only when given its path.
    return externals.length > 0 ? await ort.InferenceSession.create(join(dir, file.path), options) : await ort.InferenceSession.create(bytes, options);
  } catch (cause) {
    throw new ModelLoadError('invalid-model', `${join(dir, file.path)} is not a model onnxruntime can load: ${(cause as Error).message}`, { cause });
  }
}
