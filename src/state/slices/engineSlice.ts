/** The engine's state as the UI sees it: starting, ready or failed; pack, backend and load progress. */
import type { StateCreator } from 'zustand';
import type { BackendInfo, EngineErrorData, PackInfo } from '../../engine/protocol';
import type { StoreState } from '../store';

export type EngineStatus = 'starting' | 'ready' | 'failed';

export interface LoadProgress {
  readonly stage: 'download' | 'load';
  readonly file: string;
  readonly loaded: number;
  readonly total: number;
}

export interface EngineSlice {
  engineStatus: EngineStatus;
  pack: PackInfo | null;
  backend: BackendInfo | null;
  videoCodec: string | null;
  loadProgress: LoadProgress | null;
  engineError: EngineErrorData | null;
}

export const createEngineSlice: StateCreator<StoreState, [], [], EngineSlice> = () => ({
  engineStatus: 'starting',
  pack: null,
  backend: null,
  videoCodec: null,
  loadProgress: null,
  engineError: null,
});
