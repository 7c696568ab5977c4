/**
 * What the engine needs from the place it runs, as one port: loading a pack into sessions and
 * encoding files. The worker plugs in the browser's (browserPlatform.ts: the weight cache,
 * onnxruntime-web, WebCodecs, OffscreenCanvas); a Node test plugs in onnxruntime-node, so the
 * engine's orchestration runs without a browser. Types only.
 */
import type { VideoCodec } from 'mediabunny';
import type { EncodedVideo, Mp4Options } from '../media/mp4';
import type { ModelRunner } from '../pipeline/modelRunner';
import type { DeviceChoice, PackNeeds } from '../runtime/device';
import type { ModelPack } from '../runtime/modelFiles';
import type { RunTiming } from '../runtime/runTimings';
import type { BackendInfo, EngineProgress, PackInfo, PackSource } from './protocol';

/** A pack's sessions as the engine drives them: the pipeline's runner plus the GPU device's state. */
export interface PackRunner extends ModelRunner {
  /** Why the GPU device was lost, once it was; every later run fails with `device-lost`. */
  readonly deviceLost: string | null;
  /** Test hook: destroys the GPU device; false where there is none. */
  loseDevice(): boolean;
}

/** A pack ready to generate with. `runner` and `backend` change when a lost GPU moves it to WASM. */
export interface LoadedPack {
  readonly pack: ModelPack;
  readonly info: PackInfo;
  runner: PackRunner;
  backend: BackendInfo;
  /** The video encoder found for the pack's sizes; null when the platform can encode no video. */
  readonly videoCodec: VideoCodec | null;
}

export interface LoadHooks {
  /** Download (or cache read) and session-creation progress. */
  readonly onProgress?: ((progress: EngineProgress) => void) | undefined;
  /** Timing of every graph run (runTimings.ts). */
  readonly onRun?: (timing: RunTiming) => void;
}

/** Picks the backend for a pack's needs (device.ts's `chooseDevice` with the page's preference). */
export type ChooseBackend = (needs: PackNeeds) => Promise<DeviceChoice>;

export interface EnginePlatform {
  /** Reads the pack, chooses its backend, creates its sessions and finds its video encoder. */
  loadPack(source: PackSource, chooseBackend: ChooseBackend, hooks: LoadHooks): Promise<LoadedPack>;
  /** The same pack's sessions again on WASM (`backend`), after the GPU device was lost. */
  reloadOnWasm(pack: ModelPack, backend: BackendInfo, hooks: LoadHooks): Promise<PackRunner>;
  /** RGBA frames → MP4 with the codec `loadPack` found. */
  encodeMp4(frames: readonly Uint8ClampedArray[], options: Mp4Options): Promise<EncodedVideo>;
  /** One RGBA image → PNG with text entries. */
  encodePng(rgba: Uint8ClampedArray, width: number, height: number, text: Readonly<Record<string, string>>): Promise<ArrayBuffer>;
}
