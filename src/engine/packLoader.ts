/**
 * Loading a model pack into the engine in the browser (the platform's `loadPack`, browserPlatform.ts):
 * manifest from the weight cache, backend, onnxruntime-web sessions and encoder probe. It builds a
 * complete `LoadedPack` without touching the one in use, so the engine can swap packs only once the
 * new one works, and a pack that fails to load leaves the previous one running.
 */
import { createArchitecture } from '../architectures/registry';
import { wasmProblem, type ModelProgress } from '../cache';
import { probeVideoCodec } from '../media/codecs';
import { graphRoles, type Manifest } from '../models/manifest';
import { wasmChoice } from '../runtime/device';
import { loadInstalledPack, loadModelRole, loadPack, packData, type ModelPack } from '../runtime/modelFiles';
import { createWebRunner, type WebRunner } from '../runtime/webRunner';
import { emit } from './emit';
import type { ChooseBackend, LoadedPack, LoadHooks } from './enginePlatform';
import { EngineError, toEngineError } from './errors';
import { packInfo } from './packInfo';
import type { BackendInfo, EngineProgress, PackSource } from './protocol';

/** Reads the pack, chooses its backend, creates its sessions and probes the video encoder. */
export async function loadEnginePack(source: PackSource, chooseBackend: ChooseBackend, hooks: LoadHooks): Promise<LoadedPack> {
  // 1. Read and validate the manifest: from the pack's URL (installing what is missing), or the cache
  const pack =
    source.kind === 'url' ? await loadPack(source.url, (progress) => emit(hooks.onProgress, downloadProgress(progress))) : await loadInstalledPack(source.name);
  const { manifest } = pack;

  // 2. Choose the backend from the adapter's features and limits
  const choice = await chooseBackend(manifest.requirements);

  // 3. Create the sessions; a WebGPU failure falls back to WASM with the reason
  let backend = choice.info;
  let runner: WebRunner;
  if (backend.backend === 'wasm') refuseOverWasmMemory(manifest, null);
  try {
    runner = await createPackRunner(pack, backend, choice.adapter, hooks);
  } catch (error) {
    if (backend.backend !== 'webgpu') throw unloadable(manifest, error);
    const reason = toEngineError(error).detail ?? toEngineError(error).message;
    refuseOverWasmMemory(manifest, reason);
    backend = wasmChoice({ code: 'session-failed', message: `WebGPU could not run this model (${reason}), so Tessera runs on the CPU (WebAssembly).` }).info;
    runner = await createPackRunner(pack, backend, null, hooks).catch((error: unknown) => {
      throw unloadable(manifest, error);
    });
  }

  // 4. Probe the video encoder at the largest output size
  const largest = Object.values(manifest.video.sizes).reduce((a, b) => (a.width * a.height >= b.width * b.height ? a : b));
  const videoCodec = await probeVideoCodec(largest.width * 4, largest.height * 4, manifest.video.fps).catch(() => null);
  return { pack, info: packInfo(manifest, createArchitecture(manifest, runner)), runner, backend, videoCodec };
}

/**
 * A pack's runner on one backend, its bytes read from the cache, with the sessions made that the
 * pack keeps from the start: every graph under the `resident` plan, the first under `sequential`
 * (so a backend that cannot run the pack is found here, where the loader falls back to WASM, and
 * not in the middle of a generation).
 */
export async function createPackRunner(pack: ModelPack, backend: BackendInfo, adapter: GPUAdapter | null, hooks: LoadHooks): Promise<WebRunner> {
  const { manifest } = pack;
  const runner = createWebRunner({
    backend: backend.backend,
    threads: backend.threads,
    adapter,
    memoryPlan: manifest.runtime.memoryPlan,
    loadBytes: (role) => loadModelRole(pack, role, (progress) => emit(hooks.onProgress, downloadProgress(progress))),
    data: packData(pack),
    ...(hooks.onRun ? { onRun: hooks.onRun } : {}),
  });
  const graphs = graphRoles(manifest);
  try {
    await runner.load(manifest.runtime.memoryPlan === 'resident' ? graphs : graphs.slice(0, 1), (role, index, total) =>
      emit(hooks.onProgress, { stage: 'load', file: role, loaded: index, total }),
    );
  } catch (error) {
    await runner.release().catch(() => undefined);
    throw error;
  }
  return runner;
}

/**
 * A pack whose sessions do not fit WebAssembly's 32-bit memory is refused in words before
 * onnxruntime fails with an out-of-memory abort; `webgpuFailure` is why WebGPU was not used, when it
 * was tried.
 */
function refuseOverWasmMemory(manifest: Manifest, webgpuFailure: string | null): void {
  const problem = wasmProblem(manifest);
  if (!problem) return;
  const why = webgpuFailure === null ? '' : `WebGPU could not run it (${webgpuFailure.trim().replace(/\.+$/, '')}). `;
  throw new EngineError('model-unavailable', `Model pack "${manifest.name}" cannot run here. ${why}${problem}`, { detail: 'wasm-memory' });
}

/** The cache's progress as the engine's `download` stage (source `network` or `cache`). */
function downloadProgress(progress: ModelProgress): EngineProgress {
  const { file, source, loaded, total, rate, eta } = progress;
  return { stage: 'download', file, source, loaded, total, rate, eta };
}

/**
 * Sessions that could not be created for a reason with no code of its own (not memory, not a lost
 * device, not a damaged chunk, which the cache names): onnxruntime refused the pack's bytes, so the
 * message names the pack and the way to find and fetch again what is damaged.
 */
function unloadable(manifest: Manifest, error: unknown): EngineError {
  const engineError = toEngineError(error);
  if (engineError.code !== 'internal') return engineError;
  const reason = (engineError.detail ?? engineError.message).trim().replace(/\.+$/, '');
  return new EngineError(
    'model-unavailable',
    `Model pack "${manifest.name}" could not be loaded: onnxruntime refused its files (${reason}). Press Verify on it in Models; Resume then fetches what is damaged.`,
    { detail: reason, cause: error },
  );
}
