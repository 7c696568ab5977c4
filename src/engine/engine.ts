/**
 * The worker side of the engine: owns the model pack, the onnxruntime sessions and the encoder, and
 * runs one generation at a time. The pipeline does the sampling; this file orchestrates around it:
 * backend choice and fallback, the safety policy, progress, previews, cancellation, and switching
 * packs (the platform loads one; this file swaps it in once it works). What depends on where it runs
 * (the weight cache, onnxruntime-web, WebCodecs) comes in through `EnginePlatform`, so Node tests
 * can drive the same class.
 */
import type { StepEndEvent } from '../pipeline/textToVideo';
import type { PromptExpansion } from '../pipeline/architecture';
import { generateVideo, type ModeVideo, type VideoRequest } from '../pipeline/videoModes';
import { createArchitecture } from '../architectures/registry';
import { renderClip } from '../render/renderClip';
import { chooseDevice, wasmChoice } from '../runtime/device';
import { RunTotals } from '../runtime/runTimings';
import { policyVersion } from '../safety/promptPolicy';
import { rgbaFramesToRgb } from '../media/rgbFrames';
import { MAX_UPSCALE } from '../media/upscale';
import { emit } from './emit';
import { EngineError, toEngineError } from './errors';
import type { ChooseBackend, EnginePlatform, LoadedPack } from './enginePlatform';
import { appContainer } from './outputFile';
import { previewImage } from './previewImage';
import { warmUpArchitecture } from './warmUp';
import { ResultFrames, workerSources } from './modeSources';
import { renderStoryboardJob } from './storyboardJob';
import type {
  BackendFallback,
  BackendPreference,
  EngineInfo,
  EngineInitOptions,
  EngineProgress,
  GenerateCallbacks,
  GenerateRequest,
  GenerateResult,
  PackSource,
  StoryboardCallbacks,
  StoryboardRenderRequest,
  WorkerEngineApi,
} from './protocol';

/** Previews at most this often: cheap, but each one is a message to the main thread. */
const PREVIEW_INTERVAL_MS = 100;
/**
 * Step progress at most this often (and always for the last step): the UI shows about 10 updates a
 * second, and every message wakes the main thread, which shares the CPU with this worker. Sending
 * one per step cost ~30 ms of a 1.3 s clip on 2 cores (`npm run bench`, P2).
 */
const PROGRESS_INTERVAL_MS = 100;

/** Stage times of one sampling run, and when its first preview went out. */
interface SampleTimings {
  readonly encodeMs: number;
  readonly denoiseMs: number;
  readonly decodeMs: number;
  readonly firstPreviewAt: number | null;
}

export class Engine implements WorkerEngineApi {
  private loaded: LoadedPack | null = null;
  /** The page's backend preference, from `init`; every later pack is loaded with it. */
  private preference: BackendPreference | null = null;
  /** A pack is being loaded (`init` or `switchPack`): generations and other switches are refused. */
  private switching = false;
  private readonly controllers = new Map<string, AbortController>();
  /** The generation in flight, if any; a cancelled one is awaited before the next starts. */
  private current: { id: string; done: Promise<unknown> } | null = null;
  private onLoadProgress: ((progress: EngineProgress) => void) | undefined;
  /** Frames of recent results, for "use the current result" as a source. */
  private readonly resultFrames = new ResultFrames();
  /** Graph-run times of the generation in flight (one at a time). */
  private runTotals: RunTotals | null = null;
  /** The idle-time warm-up after a load; a generation or a switch waits for its last run (it stops on seeing one). */
  private warming: Promise<void> = Promise.resolve();

  /** @param platform loading and encoding where the engine runs (browserPlatform.ts in the worker). */
  constructor(private readonly platform: EnginePlatform) {}

  async init(options: EngineInitOptions, onProgress?: (progress: EngineProgress) => void): Promise<EngineInfo> {
    this.preference = options.backend;
    return this.swapIn(options.pack, onProgress);
  }

  async switchPack(pack: PackSource, onProgress?: (progress: EngineProgress) => void): Promise<EngineInfo> {
    if (this.preference === null) throw new EngineError('not-ready', 'The engine has not been started; reload the page.');
    return this.swapIn(pack, onProgress);
  }

  /**
   * Loads `source` completely while the current pack stays as it is, then swaps it in and releases
   * the old sessions. Both packs' sessions exist for a moment: the price of a failed load never
   * costing the user the model that worked.
   */
  private async swapIn(source: PackSource, onProgress: ((progress: EngineProgress) => void) | undefined): Promise<EngineInfo> {
    if (this.switching) throw new EngineError('busy', 'Another model is loading; wait until it is ready.');
    if (this.current && !this.controllers.get(this.current.id)?.signal.aborted) {
      throw new EngineError('busy', 'A generation is running; wait for it to finish (or cancel it), then switch models.');
    }
    this.switching = true;
    try {
      // A cancelled generation stops within one step, and the warm-up at its next graph run once
      // `switching` is set: no graph runs while the new sessions are created.
      await this.current?.done.catch(() => undefined);
      await this.warming;
      const next = await this.platform.loadPack(source, this.backendChooser(), { onProgress, onRun: (timing) => this.runTotals?.add(timing) });
      const previous = this.loaded;
      this.loaded = next;
      this.onLoadProgress = onProgress;
      await previous?.runner.release().catch(() => undefined);
      // While the user types: compile the safety policy and warm onnxruntime's wasm up (warmUp.ts)
      this.warming = new Promise((resolve) => setTimeout(() => void this.warmUp(next).finally(resolve), 0));
      return { pack: next.info, backend: next.backend, videoCodec: next.videoCodec };
    } finally {
      this.switching = false;
    }
  }

  /** The page's preference, except after a lost GPU: the next pack stays on WASM with that reason. */
  private backendChooser(): ChooseBackend {
    const preference = this.preference ?? 'auto';
    const lost = this.loaded?.backend.fallback?.code === 'device-lost' ? this.loaded.backend.fallback : null;
    return (needs) => (lost ? Promise.resolve(wasmChoice(lost)) : chooseDevice(preference, needs));
  }

  /**
   * Moves one-time costs out of the first generation (measured by `npm run bench`): the safety
   * policy compiles its term lists on first use (seconds), and V8 runs onnxruntime's wasm on its
   * baseline compiler until the kernels have run a while. Stops as soon as a generation or a switch starts.
   * Not for a pack under the `sequential` memory plan: such a pack is large (wan2.1), its warm-up would
   * make each graph's session in turn and decode a whole clip on the CPU, minutes against a tier-up
   * saving of milliseconds on runs that take seconds each.
   */
  private async warmUp(loaded: LoadedPack): Promise<void> {
    policyVersion();
    if (loaded.backend.backend !== 'wasm' || loaded.pack.manifest.runtime.memoryPlan === 'sequential') return;
    await warmUpArchitecture(createArchitecture(loaded.pack.manifest, loaded.runner), loaded.pack.manifest, () => this.current !== null || this.switching || this.loaded !== loaded).catch(() => undefined);
  }

  async expandPrompt(prompt: string): Promise<PromptExpansion> {
    // Which architecture expands is the pack's: none before the first pack loads (the page asks again once it is ready).
    const loaded = this.loaded;
    if (!loaded) throw new EngineError('not-ready', 'The model is still loading; the expanded prompt shows once it is ready.');
    const { manifest } = loaded.pack;
    const { expandPrompt } = createArchitecture(manifest, loaded.runner);
    if (!expandPrompt) throw new EngineError('bad-settings', `The ${manifest.name} model offers no prompt expansion.`, { field: 'expandPrompt' });
    return expandPrompt(prompt);
  }

  async generate(request: GenerateRequest, callbacks: GenerateCallbacks = {}, signal?: AbortSignal): Promise<GenerateResult> {
    return this.runExclusive(request.id, signal, (loaded, aborted) => this.generateOnce(loaded, request, callbacks, aborted));
  }

  async renderStoryboard(request: StoryboardRenderRequest, callbacks: StoryboardCallbacks = {}, signal?: AbortSignal): Promise<GenerateResult> {
    return this.runExclusive(request.id, signal, async (loaded, aborted) => {
      await this.warming;
      return renderStoryboardJob({ platform: this.platform, loaded, results: this.resultFrames }, request, callbacks, aborted);
    });
  }

  /** One job at a time (a generation or a storyboard), cancellable by its id. */
  private async runExclusive(id: string, signal: AbortSignal | undefined, job: (loaded: LoadedPack, signal: AbortSignal) => Promise<GenerateResult>): Promise<GenerateResult> {
    const loaded = this.loaded;
    if (!loaded) throw new EngineError('not-ready', 'The model is still loading; wait until it is ready.');
    if (this.switching) throw new EngineError('busy', 'Another model is loading; wait until it is ready, then generate.');
    if (this.current) {
      // A cancelled run stops within one step; anything else still running is a second click.
      if (!this.controllers.get(this.current.id)?.signal.aborted) throw new EngineError('busy', 'A generation is already running; cancel it or wait for it to finish.');
      await this.current.done.catch(() => undefined);
      if (this.switching || this.loaded !== loaded) throw new EngineError('busy', 'Another model is loading; wait until it is ready, then generate.');
    }
    const controller = new AbortController();
    if (signal) signal.addEventListener('abort', () => controller.abort(), { once: true });
    this.controllers.set(id, controller);
    const done = job(loaded, controller.signal);
    this.current = { id, done };
    try {
      return await done;
    } catch (error) {
      throw toEngineError(error);
    } finally {
      this.controllers.delete(id);
      if (this.current?.id === id) this.current = null;
    }
  }

  cancel(requestId: string): void {
    this.controllers.get(requestId)?.abort();
  }

  async loseDeviceForTest(): Promise<boolean> {
    return this.loaded?.runner.loseDevice() ?? false;
  }

  private async generateOnce(loaded: LoadedPack, request: GenerateRequest, callbacks: GenerateCallbacks, signal: AbortSignal): Promise<GenerateResult> {
    const started = performance.now();
    await this.warming;
    const { settings } = request;
    const { manifest } = loaded.pack;

    // What only the app limits: its upscale factors, and video only where the browser can encode it
    const upscale = request.upscale ?? 1;
    if (!Number.isInteger(upscale) || upscale < 1 || upscale > MAX_UPSCALE) {
      throw new EngineError('bad-settings', `Upscale factor ${upscale} is not offered; choose a whole number from 1 to ${MAX_UPSCALE}.`, { field: 'upscale' });
    }
    if (settings.frames > 1 && !loaded.videoCodec) {
      throw new EngineError('encoder-unavailable', 'This browser cannot encode video (no H.264, VP9 or AV1 encoder in WebCodecs). Choose the image duration, or use a recent Chrome, Edge or Safari.');
    }

    // The render chain the CLI runs too: policy → modes → sample → upscale → watermark → encode
    const runTotals = new RunTotals();
    this.runTotals = runTotals;
    let timings: SampleTimings = { encodeMs: 0, denoiseMs: 0, decodeMs: 0, firstPreviewAt: null };
    const includePrompt = request.includePromptInFile !== false;
    const clip = await renderClip(
      {
        prompt: settings.prompt,
        negativePrompt: settings.negativePrompt,
        seed: settings.seed,
        steps: settings.steps,
        guidance: settings.guidance,
        expandPrompt: settings.expandPrompt,
        mode: request.mode ?? { kind: 'text' },
        // Text and loop take the form's aspect; modes with sources the first source's closest.
        defaultAspect: settings.aspect,
        frames: settings.frames,
        upscale,
        upscaleFilter: request.upscaleFilter ?? 'nearest',
        includePrompt,
        // The file restores the form that made it.
        recordedSettings: settings,
      },
      {
        manifest,
        architecture: createArchitecture(manifest, loaded.runner),
        decodeSource: workerSources(this.resultFrames),
        sample: async (videoRequest) => {
          const sampled = await this.sampleOrRetryOnWasm(loaded, videoRequest, callbacks, signal);
          timings = sampled.timings;
          return sampled.video;
        },
        container: () => appContainer(this.platform, loaded.videoCodec, { prompt: includePrompt ? settings.prompt : '', seed: settings.seed }),
        onEncoded: (frame, total) => emit(callbacks.onProgress, { stage: 'mux', frame, total }),
      },
    );
    const { video } = clip;
    this.resultFrames.keep(request.id, { width: video.width, height: video.height, frames: video.frames });
    const { firstPreviewAt, ...stages } = timings;
    const runs = runTotals.data();

    return {
      id: request.id,
      kind: video.frames.length === 1 ? 'image' : 'video',
      file: clip.written,
      settings,
      expandedPrompt: video.caption,
      expansion: clip.expansion,
      width: clip.width,
      height: clip.height,
      modelWidth: video.width,
      modelHeight: video.height,
      frames: video.frames.length,
      fps: video.fps,
      packName: manifest.name,
      backend: loaded.backend,
      timings: {
        loadMs: 0,
        ...stages,
        muxMs: clip.finishMs,
        totalMs: performance.now() - started,
        firstPreviewMs: firstPreviewAt === null ? null : firstPreviewAt - started,
        runs: runs.runs,
        runMs: runs.runMs,
        runMsByRole: runs.byRole,
        copyMs: runs.copyMs,
      },
      ...(request.includeRawFrames ? { rawFrames: rgbaFramesToRgb(video.frames) } : {}),
    };
  }

  /** Samples; when the GPU device is lost, moves the pack to WASM and samples the same request again. */
  private async sampleOrRetryOnWasm(
    loaded: LoadedPack,
    request: VideoRequest,
    callbacks: GenerateCallbacks,
    signal: AbortSignal,
  ): Promise<{ video: ModeVideo; timings: SampleTimings }> {
    try {
      return await this.sample(loaded, request, callbacks, signal);
    } catch (error) {
      if (loaded.backend.backend !== 'webgpu' || !(loaded.runner.deviceLost || toEngineError(error).code === 'device-lost')) throw error;
      await this.fallBackToWasm(loaded, {
        code: 'device-lost',
        message: 'The GPU stopped responding (device lost), so Tessera switched to the CPU (WebAssembly) and ran your request again.',
      });
      return this.sample(loaded, request, callbacks, signal);
    }
  }

  /** Runs the pipeline on the pack's current runner with stage timings, progress with an ETA, and throttled previews. */
  private async sample(loaded: LoadedPack, request: VideoRequest, callbacks: GenerateCallbacks, signal: AbortSignal): Promise<{ video: ModeVideo; timings: SampleTimings }> {
    const { manifest } = loaded.pack;
    const marks: Record<string, number> = { start: performance.now() };
    let lastPreview = 0;
    let lastProgress = 0;
    let firstPreviewAt: number | null = null;
    const onStepEnd = (event: StepEndEvent) => {
      const now = performance.now();
      const elapsedMs = now - marks.denoise!;
      if (now - lastProgress >= PROGRESS_INTERVAL_MS || event.step === event.total) {
        lastProgress = now;
        emit(callbacks.onProgress, {
          stage: 'denoise',
          step: event.step,
          total: event.total,
          t: event.t,
          elapsedMs,
          etaMs: (elapsedMs / event.step) * (event.total - event.step),
        });
      }
      if (callbacks.onPreview && (now - lastPreview >= PREVIEW_INTERVAL_MS || event.step === event.total)) {
        lastPreview = now;
        emit(callbacks.onPreview, previewImage(event, manifest.preview));
        firstPreviewAt ??= performance.now();
      }
    };
    const steps = request.steps ?? manifest.scheduler.steps;
    const video = await generateVideo(createArchitecture(manifest, loaded.runner), manifest, request, {
      signal,
      onStage: (stage) => {
        marks[stage] = performance.now();
        emit(callbacks.onProgress, stage === 'denoise' ? { stage, step: 0, total: steps, t: 1, elapsedMs: 0, etaMs: 0 } : { stage });
      },
      onStepEnd,
    });
    const end = performance.now();
    return {
      video,
      timings: {
        encodeMs: (marks.denoise ?? end) - (marks.encode ?? end),
        denoiseMs: (marks.decode ?? end) - (marks.denoise ?? end),
        decodeMs: end - (marks.decode ?? end),
        firstPreviewAt,
      },
    };
  }

  private async fallBackToWasm(loaded: LoadedPack, fallback: BackendFallback): Promise<void> {
    await loaded.runner.release().catch(() => undefined);
    const backend = wasmChoice(fallback).info;
    loaded.runner = await this.platform.reloadOnWasm(loaded.pack, backend, { onProgress: this.onLoadProgress, onRun: (timing) => this.runTotals?.add(timing) });
    loaded.backend = backend;
  }
}
