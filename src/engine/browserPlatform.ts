/**
 * The engine's platform in the browser worker: packs from the weight cache into onnxruntime-web
 * sessions (packLoader.ts), MP4 through WebCodecs and mediabunny, PNG through OffscreenCanvas.
 */
import { encodeMp4 } from '../media/mp4';
import { encodePng } from '../media/png';
import type { EnginePlatform } from './enginePlatform';
import { createPackRunner, loadEnginePack } from './packLoader';

/** What workers/engine.worker.ts hands the Engine. */
export const BROWSER_PLATFORM: EnginePlatform = {
  loadPack: loadEnginePack,
  reloadOnWasm: (pack, backend, hooks) => createPackRunner(pack, backend, null, hooks),
  encodeMp4,
  encodePng,
};
