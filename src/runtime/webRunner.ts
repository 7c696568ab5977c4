/**
 * The runner port on onnxruntime-web: one session per graph role, on the WebGPU execution provider
 * or on WASM, made on the role's first run (or by `load`) and kept as the pack's memory plan says
 * (sessionPool.ts). onnxruntime-web cannot run sessions concurrently (on WebGPU it corrupts state),
 * so every session creation and `session.run` goes through one promise chain.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { MemoryPlan } from '../models/manifest';
import type { DeviceTensor, ModelRunner, NamedTensors, RunOptions, RunTensors, Tensor } from '../pipeline/modelRunner';
import type { PackData } from '../pipeline/packData';
import { EngineError } from '../errors/engineError';
import type { SessionSource } from '../cache';
import type { Backend } from './backendTypes';
import { elementType, plainTensor } from './plainTensors';
import { RunQueue } from './runQueue';
import type { RunTiming } from './runTimings';
import { SessionPool } from './sessionPool';
import { SESSION_CONFIG } from './sessionConfig';

export interface WebRunnerOptions {
  readonly backend: Backend;
  /** WASM threads; fixed for the worker's lifetime by the first session (onnxruntime's env is global). */
  readonly threads: number;
  /** The adapter chosen by device.ts; handed to onnxruntime before its first WebGPU session. */
  readonly adapter?: GPUAdapter | null;
  /** The pack's `runtime.memoryPlan`. */
  readonly memoryPlan: MemoryPlan;
  /** Model bytes of a graph role. */
  readonly loadBytes: (role: string) => Promise<Uint8Array | SessionSource>;
  /** The pack's data files, for architectures that declare data roles (ModelRunner.data). */
  readonly data?: PackData;
  /** Called once if the GPU device is lost. */
  readonly onDeviceLost?: (message: string) => void;
  /** Timing hook: called after every graph run (see runTimings.ts). */
  readonly onRun?: (timing: RunTiming) => void;
}

let wasmConfigured = false;

/** A runner for one pack on one backend; no session exists until a role first runs or `load` makes it. */
export function createWebRunner(options: WebRunnerOptions): WebRunner {
  if (!wasmConfigured) {
    ort.env.wasm.numThreads = options.threads;
    ort.env.logLevel = 'error';
    wasmConfigured = true;
  }
  if (options.backend === 'webgpu' && options.adapter) ort.env.webgpu.adapter = options.adapter;
  return new WebRunner(options);
}

/** Outputs of a run kept on the GPU (`RunOptions.reuseOutputs`), fed back without an upload when their data returns. */
interface KeptOutput {
  readonly data: Tensor['data'];
  readonly tensor: ort.Tensor;
}

export class WebRunner implements ModelRunner {
  readonly backend: Backend;
  readonly data?: PackData;
  /** Every session creation and run starts after the previous one settled. */
  private readonly queue = new RunQueue();
  private readonly pool: SessionPool<ort.InferenceSession>;
  private lostMessage: string | null = null;
  private device: GPUDevice | null = null;
  private kept: KeptOutput[] = [];
  /** Outputs left on the GPU by `runOnDevice`, with the role whose next runs may take them. */
  private readonly onDevice = new Map<DeviceTensor, { readonly tensor: ort.Tensor; readonly role: string }>();

  constructor(private readonly options: WebRunnerOptions) {
    this.backend = options.backend;
    if (options.data) this.data = options.data;
    this.pool = new SessionPool(options.memoryPlan, {
      create: (role) => this.createSession(role),
      release: (session) => session.release(),
    });
  }

  /** Set when the WebGPU device was lost; every later run fails with `device-lost`. */
  get deviceLost(): string | null {
    return this.lostMessage;
  }

  /**
   * Makes the sessions of `roles` now, in order (the engine loads a pack this way, so a pack the
   * backend cannot run fails at load, with progress, instead of in the middle of a generation).
   * Under the `sequential` plan only the last of them stays.
   */
  load(roles: readonly string[], onLoaded?: (role: string, index: number, total: number) => void): Promise<void> {
    return this.queue.run(async () => {
      for (const [index, role] of roles.entries()) {
        await this.pool.acquire(role);
        onLoaded?.(role, index + 1, roles.length);
      }
    });
  }

  /** Test hook: destroys the GPU device, as a driver reset would. */
  loseDevice(): boolean {
    if (!this.device) return false;
    this.device.destroy();
    return true;
  }

  async run(role: string, feeds: NamedTensors, options: RunOptions = {}): Promise<NamedTensors> {
    const outputs = await this.runGraph(role, feeds, options.reuseOutputs === true, new Set());
    // With no output named to keep on the device, every output was read back.
    return outputs as NamedTensors;
  }

  runOnDevice(role: string, feeds: RunTensors, keep: readonly string[]): Promise<RunTensors> {
    return this.runGraph(role, feeds, false, new Set(keep));
  }

  private runGraph(role: string, feeds: RunTensors, reuse: boolean, keep: ReadonlySet<string>): Promise<RunTensors> {
    return this.queue.run(async () => {
      // Let queued messages (a cancel) in between runs: a WASM run blocks the worker's thread.
      await yieldToEventLoop();
      if (this.lostMessage) throw new EngineError('device-lost', 'The GPU stopped responding (device lost).', { detail: this.lostMessage });
      if (this.pool.closed) throw new EngineError('not-ready', 'The model is not loaded.');
      const session = await this.pool.acquire(role);
      const started = performance.now();
      const results = await session.run(this.ortFeeds(role, feeds));
      return this.readOutputs(role, results, started, reuse, keep);
    });
  }

  release(): Promise<void> {
    return this.queue.run(async () => {
      this.disposeKept();
      for (const { tensor } of this.onDevice.values()) tensor.dispose();
      this.onDevice.clear();
      await this.pool.close();
    });
  }

  private async createSession(role: string): Promise<ort.InferenceSession> {
    const { backend } = this.options;
    const loaded = await this.options.loadBytes(role);
    // External-data files carry the weights of graphs over 2 GB (docs/model-pack.md).
    const { model, externalData } = loaded instanceof Uint8Array ? { model: loaded, externalData: [] } : loaded;
    const session = await ort.InferenceSession.create(model, {
      ...(externalData.length > 0 ? { externalData } : {}),
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      // Node-to-CPU assignment warnings are expected (shape ops run on the CPU by design).
      logSeverityLevel: 3,
      extra: SESSION_CONFIG,
      // WebGPU: outputs stay on the GPU; run() reads them back itself (timed as copies), and outputs
      // marked for reuse (the text embeddings) stay there for every DiT step.
      ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
    });
    // The device exists once the first WebGPU session does.
    if (backend === 'webgpu' && !this.device) await this.watchDevice();
    return session;
  }

  /** Subscribes to the device's `lost` promise (a device is lost at most once). */
  private async watchDevice(): Promise<void> {
    this.device = await ort.env.webgpu.device;
    void this.device.lost.then((info) => {
      this.lostMessage = `GPU device lost (${info.reason}): ${info.message || 'no message'}`;
      this.options.onDeviceLost?.(this.lostMessage);
    });
  }

  /**
   * onnxruntime tensors of the feeds: data still on the GPU from a kept output is passed as that GPU
   * tensor, and so is a device tensor this runner gave for the same role.
   */
  private ortFeeds(role: string, feeds: RunTensors): Record<string, ort.Tensor> {
    return Object.fromEntries(
      Object.entries(feeds).map(([name, tensor]) => {
        if (tensor.data === null) {
          const held = this.onDevice.get(tensor);
          if (!held || held.role !== role) throw new EngineError('internal', `The ${role} input "${name}" is a GPU tensor that was released or belongs to another graph.`);
          return [name, held.tensor];
        }
        return [name, this.kept.find((k) => k.data === tensor.data)?.tensor ?? new ort.Tensor(elementType(tensor), tensor.data, tensor.dims)];
      }),
    );
  }

  /**
   * Every output as a plain tensor (read back from the GPU, timed as the copy), except those named in
   * `onDeviceNames` that are on the GPU, which stay there as device tensors; `reuse` holds GPU
   * outputs for reuse as feeds.
   */
  private async readOutputs(role: string, results: ort.InferenceSession.OnnxValueMapType, started: number, reuse: boolean, onDeviceNames: ReadonlySet<string>): Promise<RunTensors> {
    let ranAt = performance.now();
    const entries = Object.entries(results);
    const onGpu = entries.some(([, value]) => value.location === 'gpu-buffer');
    // A kept output's session must outlive it: under the sequential plan it may be released first.
    const keep = reuse && onGpu && this.pool.plan === 'resident';
    if (onGpu) {
      // Wait for the GPU to finish the run first, so that the read-back alone is timed as the copy.
      await this.device?.queue.onSubmittedWorkDone();
      ranAt = performance.now();
    }
    const outputs: Record<string, Tensor | DeviceTensor> = {};
    const kept: KeptOutput[] = [];
    for (const [name, value] of entries) {
      if (onDeviceNames.has(name) && value.location === 'gpu-buffer') {
        outputs[name] = this.leaveOnDevice(value, role);
        continue;
      }
      const data = value.location === 'gpu-buffer' ? await value.getData(!keep) : value.data;
      outputs[name] = plainTensor({ type: value.type, data, dims: value.dims }, role, name);
      if (keep && value.location === 'gpu-buffer') kept.push({ data: outputs[name]!.data, tensor: value });
    }
    const copyMs = onGpu ? performance.now() - ranAt : 0;
    if (keep) {
      this.disposeKept();
      this.kept = kept;
    }
    this.options.onRun?.({ role, runMs: ranAt - started, copyMs });
    return outputs;
  }

  /** A GPU output as a device tensor for the next runs of `role`; disposing it frees the GPU buffer once. */
  private leaveOnDevice(value: ort.Tensor, role: string): DeviceTensor {
    const device: DeviceTensor = {
      data: null,
      dims: [...value.dims],
      dispose: () => {
        if (this.onDevice.delete(device)) value.dispose();
      },
    };
    this.onDevice.set(device, { tensor: value, role });
    return device;
  }

  private disposeKept(): void {
    for (const { tensor } of this.kept) tensor.dispose();
    this.kept = [];
  }
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
