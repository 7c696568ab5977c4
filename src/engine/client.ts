/**
 * The main-thread side of the engine: starts the worker and implements EngineApi over comlink.
 * AbortSignals cannot cross to the worker, so an abort becomes `cancel(id)`; callbacks cross as
 * comlink proxies.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import { installErrorTransfer } from './errors';
import type {
  EngineApi,
  EngineInfo,
  EngineInitOptions,
  EngineProgress,
  GenerateCallbacks,
  GenerateRequest,
  GenerateResult,
  PackSource,
  PromptExpansion,
  StoryboardCallbacks,
  StoryboardRenderRequest,
  WorkerEngineApi,
} from './protocol';

export class EngineClient implements EngineApi {
  private readonly worker: Worker;
  private readonly remote: Remote<WorkerEngineApi>;

  constructor() {
    installErrorTransfer();
    this.worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'tessera-engine' });
    this.remote = wrap<WorkerEngineApi>(this.worker);
  }

  init(options: EngineInitOptions, onProgress?: (progress: EngineProgress) => void): Promise<EngineInfo> {
    return this.remote.init(options, onProgress ? proxy(onProgress) : undefined);
  }

  switchPack(pack: PackSource, onProgress?: (progress: EngineProgress) => void): Promise<EngineInfo> {
    return this.remote.switchPack(pack, onProgress ? proxy(onProgress) : undefined);
  }

  expandPrompt(prompt: string): Promise<PromptExpansion> {
    return this.remote.expandPrompt(prompt);
  }

  generate(request: GenerateRequest, callbacks: GenerateCallbacks = {}, signal?: AbortSignal): Promise<GenerateResult> {
    return this.cancellable(request.id, signal, () => this.remote.generate(request, proxy(callbacks)));
  }

  renderStoryboard(request: StoryboardRenderRequest, callbacks: StoryboardCallbacks = {}, signal?: AbortSignal): Promise<GenerateResult> {
    return this.cancellable(request.id, signal, () => this.remote.renderStoryboard(request, proxy(callbacks)));
  }

  /** Runs a worker call whose abort becomes `cancel(id)`. */
  private async cancellable<T>(id: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    const onAbort = () => void this.remote.cancel(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await call();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Test hook: makes the worker's GPU device lost. */
  loseDeviceForTest(): Promise<boolean> {
    return this.remote.loseDeviceForTest();
  }

  /** Stops the worker; the client is unusable afterwards. */
  terminate(): void {
    this.remote[releaseProxy]();
    this.worker.terminate();
  }
}
