/**
 * The bridge between the UI and the engine: the only caller of the engine client. Module-level
 * functions (no hooks) that read and update the store.
 */
import { manifestUrlFor, type PackStatus } from '../cache';
import { EngineClient } from '../engine/client';
import { EngineError, toEngineError } from '../engine/errors';
import type { BackendInfo, BackendPreference, EngineInfo, EngineProgress, GenerateResult, PackInfo, StageTimings, StoryboardCallbacks, StoryboardRenderRequest } from '../engine/protocol';
import type { GenerateJobInput } from '../queue/queueTypes';
import { pageModelCache } from './modelCache';
import { showNotice } from './noticeActions';
import {
  BUILT_IN_PACK,
  chooseStartPack,
  fitFormToPack,
  isPackName,
  packSourceFor,
  readRememberedPack,
  rememberPack,
  startFallbackNotice,
  urlPackNotice,
  type PackChoice,
} from './packChoice';
import { publishPreview } from './previewChannel';
import { DEFAULT_SETTINGS } from './slices/settingsSlice';
import { useStore } from './store';

/** Store updates from progress at most this often (about 10 a second); the last one always lands. */
const PROGRESS_INTERVAL_MS = 100;
const EXPANSION_DEBOUNCE_MS = 200;

let client: EngineClient | null = null;
let lastRawFrames: Uint8Array | null = null;
let expansionTimer: ReturnType<typeof setTimeout> | undefined;

/** Options read from the page's URL: `?backend=wasm|webgpu|auto&pack=name&testHooks=1`. */
export interface StartOptions {
  readonly backend: BackendPreference;
  /** The built-in pack: `public/models/<pack>/`, BUILT_IN_PACK (tessera-tiny-2) unless `?pack=` names another. */
  readonly packUrl: string;
  /** `?pack=` was given: the URL decides the pack, and a choice made in Models is not remembered. */
  readonly packInUrl: boolean;
  /** `?pack=` as given (null without it), for the notice when it cannot be used. */
  readonly requestedPack: string | null;
  readonly testHooks: boolean;
}

export function startOptionsFromUrl(url: string): StartOptions {
  const params = new URL(url).searchParams;
  const backend = params.get('backend');
  const requested = params.get('pack');
  return {
    backend: backend === 'wasm' || backend === 'webgpu' ? backend : 'auto',
    packUrl: builtInPackUrl(requested !== null && isPackName(requested) ? requested : BUILT_IN_PACK),
    packInUrl: requested !== null,
    requestedPack: requested,
    testHooks: params.has('testHooks'),
  };
}

function builtInPackUrl(name: string): string {
  return `${import.meta.env.BASE_URL}models/${name}/`;
}

let options: StartOptions | null = null;

/**
 * Starts the worker and loads the model pack: the one chosen in Models when the cache still holds
 * it whole, else the built-in one, with a notice saying why. A pack the address names (`?pack=`)
 * that is not a pack name or does not load gives way to the built-in one too, with a notice.
 */
export async function startEngine(start: StartOptions): Promise<void> {
  options = start;
  client ??= new EngineClient();
  if (start.testHooks) installTestHooks();
  useStore.setState({ engineStatus: 'starting', engineError: null, loadProgress: null, packSwitch: null, builtInManifestUrl: manifestUrlFor(start.packUrl, location.href) });
  // 1. The pack to start with: the remembered choice if the cache holds it complete
  const remembered = start.packInUrl ? null : readRememberedPack();
  let { choice, notice } = chooseStartPack(remembered, remembered === null ? null : await installedStatus(remembered));
  if (start.requestedPack !== null && !isPackName(start.requestedPack)) notice = urlPackNotice(start.requestedPack, null);
  try {
    let info: EngineInfo;
    try {
      info = await client.init({ pack: packSourceFor(choice, start.packUrl), backend: start.backend }, showLoadProgress);
    } catch (error) {
      // 2. A chosen pack that looked whole, or one the address names, gives way to the built-in one
      const fallback = builtInPackUrl(BUILT_IN_PACK);
      const reason = toEngineError(error).message;
      if (choice !== null) notice = startFallbackNotice(choice, reason);
      else if (start.requestedPack !== null && start.packUrl !== fallback) notice = urlPackNotice(start.requestedPack, reason);
      else throw error;
      choice = null;
      options = { ...start, packUrl: fallback };
      useStore.setState({ builtInManifestUrl: manifestUrlFor(fallback, location.href) });
      info = await client.init({ pack: packSourceFor(null, fallback), backend: start.backend }, showLoadProgress);
    }
    // 3. The fallback is said once: a remembered choice is forgotten until the user makes it again
    if (notice) {
      if (!start.packInUrl) rememberPack(null);
      showNotice(notice);
    }
    showEngineInfo(info, choice, null);
  } catch (error) {
    useStore.setState({ engineStatus: 'failed', engineError: toEngineError(error).toData(), loadProgress: null });
  }
}

/**
 * Switches the engine to another pack: an installed one by name, or null for the built-in one. The
 * Models panel offers it only when no generation runs (the engine refuses one too, rather than cut
 * it). On success the form follows the new pack and the choice is remembered; on failure the
 * previous pack stays in use and the error shows on the chosen pack's row.
 */
export async function choosePack(choice: PackChoice, label: string): Promise<void> {
  const state = useStore.getState();
  if (!client || !options || state.status === 'running' || (state.engineStatus !== 'ready' && state.engineStatus !== 'failed')) return;
  const previous = state.pack;
  useStore.setState({ engineStatus: 'switching', packSwitch: { choice, label, error: null }, loadProgress: null });
  try {
    const info = await client.switchPack(packSourceFor(choice, options.packUrl), showLoadProgress);
    if (!options.packInUrl) rememberPack(choice);
    showEngineInfo(info, choice, previous);
    showNotice(`Now using ${info.pack.name} ${info.pack.version} (${info.pack.dtype}).`);
  } catch (error) {
    const data = toEngineError(error).toData();
    useStore.setState({ engineStatus: previous ? 'ready' : 'failed', loadProgress: null, packSwitch: { choice, label, error: data } });
  }
}

/** What the cache says about an installed pack; unknown (storage unreadable) lets the engine try it. */
async function installedStatus(name: string): Promise<{ status: PackStatus } | null> {
  try {
    return await pageModelCache().store.info(name);
  } catch {
    return { status: 'complete' };
  }
}

function showLoadProgress(progress: EngineProgress): void {
  if (progress.stage === 'download' || progress.stage === 'load') {
    useStore.setState({ loadProgress: { stage: progress.stage, file: progress.file, loaded: progress.loaded, total: progress.total } });
  }
}

/** The loaded pack in the store, and the form fitted to what it offers. */
function showEngineInfo(info: EngineInfo, choice: PackChoice, previous: PackInfo | null): void {
  useStore.setState({
    engineStatus: 'ready',
    engineError: null,
    pack: info.pack,
    packChoice: choice,
    packSwitch: null,
    backend: info.backend,
    videoCodec: info.videoCodec,
    loadProgress: null,
    ...fitFormToPack(useStore.getState(), previous, info.pack, DEFAULT_SETTINGS),
  });
  // The preview is the pack's architecture's: none while no pack was loaded, another after a switch.
  void refreshExpansion(useStore.getState().prompt);
}

/** Updates the prompt and, shortly after typing stops, the expanded prompt shown under it. */
export function setPrompt(prompt: string): void {
  useStore.setState({ prompt });
  clearTimeout(expansionTimer);
  expansionTimer = setTimeout(() => void refreshExpansion(prompt), EXPANSION_DEBOUNCE_MS);
}

/**
 * The caption preview of `prompt` from the loaded pack's architecture. A pack without expansion
 * (one that reads free text) has none, cleared at once so another pack's caption never shows under
 * its prompt, nor reaches it as an edited caption.
 */
async function refreshExpansion(prompt: string): Promise<void> {
  if (!client || prompt.trim().length === 0 || !useStore.getState().pack?.promptExpansion) {
    useStore.setState({ expansion: null });
    return;
  }
  const expansion = await client.expandPrompt(prompt).catch(() => null);
  if (useStore.getState().prompt === prompt) useStore.setState({ expansion });
}

/**
 * Runs one queued job on the engine, with its progress and previews in the store. The caller (the
 * queue) owns the outcome: on success the status stays running until it calls `showResult` (after
 * the gallery has the file); on failure or abort the progress is cleared and the error thrown.
 */
export async function runGeneration(id: string, input: GenerateJobInput, signal: AbortSignal): Promise<GenerateResult> {
  if (!client) throw new EngineError('not-ready', 'The engine has not started yet.');
  const { settings } = input;
  publishPreview(null);
  useStore.setState({ status: 'running', requestId: id, activeSeed: settings.seed, progress: { stage: 'encode', step: 0, total: settings.steps, etaMs: null } });

  let lastUpdate = 0;
  const onProgress = (progress: EngineProgress) => {
    if (useStore.getState().requestId !== id) return;
    const now = performance.now();
    const final = progress.stage === 'denoise' ? progress.step === progress.total : progress.stage !== 'mux' || progress.frame === progress.total;
    if (now - lastUpdate < PROGRESS_INTERVAL_MS && !final && progress.stage === useStore.getState().progress?.stage) return;
    lastUpdate = now;
    useStore.setState({ progress: toProgressView(progress, settings.steps) });
  };
  try {
    return await client.generate(
      { id, settings, mode: input.mode, upscale: input.upscale, upscaleFilter: 'nearest', includeRawFrames: options?.testHooks ?? false, includePromptInFile: input.includePromptInFile },
      { onProgress, onPreview: (preview) => useStore.getState().requestId === id && publishPreview(preview) },
      signal,
    );
  } catch (error) {
    if (useStore.getState().requestId === id) useStore.setState({ status: 'idle', requestId: null, progress: null });
    throw error;
  }
}

/**
 * Renders a storyboard on the engine; storyboardActions.ts owns its progress and result. The raw
 * frames come back for the test hooks, as a generation's do.
 */
export function renderStoryboardOnEngine(request: Omit<StoryboardRenderRequest, 'includeRawFrames'>, callbacks: StoryboardCallbacks, signal: AbortSignal): Promise<GenerateResult> {
  if (!client) return Promise.reject(new EngineError('not-ready', 'The engine has not started yet.'));
  return client.renderStoryboard({ ...request, includeRawFrames: options?.testHooks ?? false }, callbacks, signal);
}

/** Clears the running job's progress at once (on cancel): the form is usable again without waiting for the worker. */
export function clearRunning(): void {
  publishPreview(null);
  useStore.setState({ status: 'idle', requestId: null, progress: null });
}

/** Puts the seed of the last result into the form as a fixed seed. */
export function reuseSeed(seed: number): void {
  useStore.setState({ seedMode: 'fixed', seed });
}

export function dismissError(): void {
  useStore.setState({ error: null });
}

/** Shows a finished job's result (the queue calls it once the gallery holds the file) and ends the running state. */
export function showResult(result: GenerateResult): void {
  const previous = useStore.getState().result;
  if (previous) URL.revokeObjectURL(previous.url);
  lastRawFrames = result.rawFrames ?? null;
  const file = new Blob([result.file.bytes], { type: result.file.mimeType });
  const url = URL.createObjectURL(file);
  useStore.setState({
    status: 'idle',
    requestId: null,
    progress: null,
    backend: result.backend,
    result: {
      id: result.id,
      kind: result.kind,
      url,
      fileName: result.file.fileName,
      mimeType: result.file.mimeType,
      codec: result.file.codec ?? null,
      bytes: result.file.bytes.byteLength,
      settings: result.settings,
      expandedPrompt: result.expandedPrompt,
      width: result.width,
      height: result.height,
      frames: result.frames,
      fps: result.fps,
      packName: result.packName,
      backendLabel: backendLabel(result.backend),
      timings: result.timings,
    },
  });
}

function toProgressView(progress: EngineProgress, steps: number): NonNullable<ReturnType<typeof useStore.getState>['progress']> {
  switch (progress.stage) {
    case 'denoise':
      return { stage: 'denoise', step: progress.step, total: progress.total, etaMs: progress.step > 0 ? progress.etaMs : null };
    case 'mux':
      return { stage: 'mux', step: steps, total: steps, etaMs: null };
    default:
      return { stage: progress.stage, step: progress.stage === 'decode' ? steps : 0, total: steps, etaMs: null };
  }
}

/** "WebGPU · SwiftShader" or "WASM · 2 threads". */
export function backendLabel(backend: BackendInfo): string {
  if (backend.backend === 'webgpu') return `WebGPU · ${backend.adapter ?? 'unknown adapter'}`;
  return `WASM · ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
}

/** What e2e tests read through `window.__tessera` (only with `?testHooks`). */
export interface TestHooks {
  /** RGB bytes of the last result at model resolution, as plain numbers (structured-clone friendly). */
  lastRawFrames(): number[] | null;
  loseDevice(): Promise<boolean>;
  /** Stage timings of the last result. */
  lastTimings(): StageTimings | null;
}

function installTestHooks(): void {
  const hooks: TestHooks = {
    lastRawFrames: () => (lastRawFrames ? Array.from(lastRawFrames) : null),
    loseDevice: () => client?.loseDeviceForTest() ?? Promise.resolve(false),
    lastTimings: () => useStore.getState().result?.timings ?? null,
  };
  (globalThis as { __tessera?: TestHooks }).__tessera = hooks;
}
