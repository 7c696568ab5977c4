/**
 * The pipeline's ModelRunner on onnxruntime-web: one session per graph, on the WebGPU execution
 * provider or on WASM. onnxruntime-web cannot run sessions concurrently (on WebGPU it corrupts
 * state), so every `session.run` goes through one promise chain.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { MODEL_ROLES, type ModelRole } from '../models/manifest';
import type { DitInputs, ModelRunner, Tensor32 } from '../pipeline/modelRunner';
import { EngineError } from '../errors/engineError';
import type { SessionSource } from '../cache';
import type { Backend } from './backendTypes';
import { RunQueue } from './runQueue';
import type { RunTiming } from './runTimings';
import { SESSION_CONFIG } from './sessionConfig';

/** Graph inputs and outputs by role (docs/model-pack.md, "The graphs"). */
const OUTPUT: Record<ModelRole, string> = {
  textEncoder: 'text_embeds',
  dit: 'velocity',
  vaeDecoder: 'frames',
  vaeEncoder: 'latents',
};

export interface WebRunnerOptions {
  readonly backend: Backend;
  /** WASM threads; fixed for the worker's lifetime by the first session (onnxruntime's env is global). */
  readonly threads: number;
  /** The adapter chosen by device.ts; handed to onnxruntime before its first WebGPU session. */
  readonly adapter?: GPUAdapter | null;
  /** Model bytes by role. */
  readonly loadBytes: (role: ModelRole) => Promise<Uint8Array | SessionSource>;
  /** Called once per graph after its session exists. */
  readonly onLoaded?: (role: ModelRole, index: number, total: number) => void;
  /** Called once if the GPU device is lost. */
  readonly onDeviceLost?: (message: string) => void;
  /** Timing hook: called after every graph run (see runTimings.ts). */
  readonly onRun?: (timing: RunTiming) => void;
}

let wasmConfigured = false;

/** Creates the four sessions of a pack on one backend. */
export async function createWebRunner(options: WebRunnerOptions): Promise<WebRunner> {
  if (!wasmConfigured) {
    ort.env.wasm.numThreads = options.threads;
    ort.env.logLevel = 'error';
    wasmConfigured = true;
  }
  if (options.backend === 'webgpu' && options.adapter) ort.env.webgpu.adapter = options.adapter;
  const sessions = new Map<ModelRole, ort.InferenceSession>();
  try {
    for (const [index, role] of MODEL_ROLES.entries()) {
      const loaded = await options.loadBytes(role);
      // External-data files carry the weights of graphs over 2 GB (docs/model-pack.md).
      const { model, externalData } = loaded instanceof Uint8Array ? { model: loaded, externalData: [] } : loaded;
      sessions.set(
        role,
        await ort.InferenceSession.create(model, {
          ...(externalData.length > 0 ? { externalData } : {}),
          executionProviders: [options.backend],
          graphOptimizationLevel: 'all',
          // Node-to-CPU assignment warnings are expected (shape ops run on the CPU by design).
          logSeverityLevel: 3,
          extra: SESSION_CONFIG,
          // WebGPU: outputs stay on the GPU; run() reads them back itself (timed as copies), and the
          // text embeddings stay there for every DiT step.
          ...(options.backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
        }),
      );
      options.onLoaded?.(role, index + 1, MODEL_ROLES.length);
    }
  } catch (error) {
    await Promise.allSettled([...sessions.values()].map((s) => s.release()));
    throw error;
  }
  const runner = new WebRunner(options.backend, sessions, options.onRun);
  if (options.backend === 'webgpu') await runner.watchDevice(options.onDeviceLost);
  return runner;
}

export class WebRunner implements ModelRunner {
  /** Every run starts after the previous one settled. */
  private readonly queue = new RunQueue();
  private lostMessage: string | null = null;
  private device: GPUDevice | null = null;
  /** WebGPU: the last text embeddings, still in their GPU buffer, fed to each DiT step without an upload. */
  private residentEmbeds: { readonly data: Float32Array; readonly tensor: ort.Tensor } | null = null;

  constructor(
    readonly backend: Backend,
    private readonly sessions: Map<ModelRole, ort.InferenceSession>,
    private readonly onRun?: (timing: RunTiming) => void,
  ) {}

  /** Set when the WebGPU device was lost; every later run fails with `device-lost`. */
  get deviceLost(): string | null {
    return this.lostMessage;
  }

  /** Subscribes to the device's `lost` promise (a device is lost at most once). */
  async watchDevice(onLost?: (message: string) => void): Promise<void> {
    this.device = await ort.env.webgpu.device;
    void this.device.lost.then((info) => {
      this.lostMessage = `GPU device lost (${info.reason}): ${info.message || 'no message'}`;
      onLost?.(this.lostMessage);
    });
  }

  /** Test hook: destroys the GPU device, as a driver reset would. */
  loseDevice(): boolean {
    if (!this.device) return false;
    this.device.destroy();
    return true;
  }

  runTextEncoder(inputIds: BigInt64Array, dims: readonly [batch: number, maxLength: number]): Promise<Tensor32> {
    return this.run('textEncoder', () => ({ input_ids: new ort.Tensor('int64', inputIds, dims) }), true);
  }

  runDit(inputs: DitInputs): Promise<Tensor32> {
    return this.run('dit', () => ({
      tokens: float32(inputs.tokens),
      positions: float32(inputs.positions),
      timestep: float32(inputs.timestep),
      text_embeds: this.residentEmbeds?.data === inputs.textEmbeds.data ? this.residentEmbeds.tensor : float32(inputs.textEmbeds),
    }));
  }

  runVaeDecoder(latents: Tensor32): Promise<Tensor32> {
    return this.run('vaeDecoder', () => ({ latents: float32(latents) }));
  }

  runVaeEncoder(frames: Tensor32): Promise<Tensor32> {
    return this.run('vaeEncoder', () => ({ frames: float32(frames) }));
  }

  release(): Promise<void> {
    return this.queue.run(async () => {
      this.residentEmbeds?.tensor.dispose();
      this.residentEmbeds = null;
      await Promise.allSettled([...this.sessions.values()].map((s) => s.release()));
      this.sessions.clear();
    });
  }

  /** Runs one graph; `keepOnGpu` keeps a GPU output resident as the text embeddings (see runDit). */
  private run(role: ModelRole, feeds: () => Record<string, ort.Tensor>, keepOnGpu = false): Promise<Tensor32> {
    return this.queue.run(async () => {
      // Let queued messages (a cancel) in between runs: a WASM run blocks the worker's thread.
      await yieldToEventLoop();
      if (this.lostMessage) throw new EngineError('device-lost', 'The GPU stopped responding (device lost).', { detail: this.lostMessage });
      const session = this.sessions.get(role);
      if (!session) throw new EngineError('not-ready', 'The model is not loaded.');
      const started = performance.now();
      const results = await session.run(feeds());
      let ranAt = performance.now();
      const output = results[OUTPUT[role]];
      if (!output) throw new EngineError('internal', `The ${role} graph has no output "${OUTPUT[role]}".`);
      for (const value of Object.values(results)) if (value !== output) value.dispose();
      let data: Float32Array;
      let copyMs = 0;
      if (output.location === 'gpu-buffer') {
        // Wait for the GPU to finish the run first, so that the read-back alone is timed as the copy.
        await this.device?.queue.onSubmittedWorkDone();
        ranAt = performance.now();
        data = (await output.getData(!keepOnGpu)) as Float32Array;
        copyMs = performance.now() - ranAt;
        if (keepOnGpu) {
          this.residentEmbeds?.tensor.dispose();
          this.residentEmbeds = { data, tensor: output };
        }
      } else data = output.data as Float32Array;
      this.onRun?.({ role, runMs: ranAt - started, copyMs });
      return { data, dims: [...output.dims] };
    });
  }
}

function float32(tensor: Tensor32): ort.Tensor {
  return new ort.Tensor('float32', tensor.data, tensor.dims);
}

/** Resolves after pending macrotasks (messages) had a chance to run; faster than setTimeout(0). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
