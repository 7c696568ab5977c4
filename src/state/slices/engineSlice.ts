/**
 * The engine's state as the UI sees it: starting, ready, switching packs or failed; the pack in use,
 * backend and load progress; the built-in pack's address and the last pack switch.
 */
import type { StateCreator } from 'zustand';
import type { BackendInfo, EngineErrorData, PackInfo } from '../../engine/protocol';
import type { StoreState } from '../store';

/** `switching`: another pack is loading while the current one stays loaded (generation waits). */
export type EngineStatus = 'starting' | 'ready' | 'switching' | 'failed';

export interface LoadProgress {
  readonly stage: 'download' | 'load';
  readonly file: string;
  readonly loaded: number;
  readonly total: number;
}

/** A "Use this model" in flight, or the last one, which failed (the previous pack stayed in use). */
export interface PackSwitch {
  /** The installed pack's name, or null for the built-in pack. */
  readonly choice: string | null;
  /** The pack as the UI names it ("tessera-tiny-fp32", "the built-in model"). */
  readonly label: string;
  readonly error: EngineErrorData | null;
}

export interface EngineSlice {
  engineStatus: EngineStatus;
  pack: PackInfo | null;
  /** How the pack in use was chosen: an installed pack's name, or null for the built-in pack. */
  packChoice: string | null;
  /** The built-in pack's manifest URL (absolute), to tell its row in Models from the others. */
  builtInManifestUrl: string | null;
  packSwitch: PackSwitch | null;
  backend: BackendInfo | null;
  videoCodec: string | null;
  loadProgress: LoadProgress | null;
  engineError: EngineErrorData | null;
}

export const createEngineSlice: StateCreator<StoreState, [], [], EngineSlice> = () => ({
  engineStatus: 'starting',
  pack: null,
  packChoice: null,
  builtInManifestUrl: null,
  packSwitch: null,
  backend: null,
  videoCodec: null,
  loadProgress: null,
  engineError: null,
});
