/** One generation at a time: its progress, the last result and the last error. Plain data only. */
import type { StateCreator } from 'zustand';
import type { EngineErrorData, GenerateSettings, ProgressStage, PromptExpansion, StageTimings } from '../../engine/protocol';
import type { StoreState } from '../store';

export type GenerationStatus = 'idle' | 'running';

export interface GenerationProgress {
  readonly stage: ProgressStage;
  /** Denoising: `step` of `total` done. */
  readonly step: number;
  readonly total: number;
  readonly etaMs: number | null;
}

/** A finished clip or image, ready to show and download. */
export interface ResultView {
  readonly id: string;
  readonly kind: 'video' | 'image';
  /** Object URL of the file (revoked when replaced). */
  readonly url: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly codec: string | null;
  readonly bytes: number;
  readonly settings: GenerateSettings;
  readonly expandedPrompt: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  readonly packName: string;
  readonly backendLabel: string;
  readonly timings: StageTimings;
}

export interface GenerationSlice {
  status: GenerationStatus;
  /** The running request's id. */
  requestId: string | null;
  progress: GenerationProgress | null;
  /** The seed of the running (or last) request, shown even when the seed is random. */
  activeSeed: number | null;
  /** Live expansion of the prompt being typed. */
  expansion: PromptExpansion | null;
  result: ResultView | null;
  error: EngineErrorData | null;
}

export const createGenerationSlice: StateCreator<StoreState, [], [], GenerationSlice> = () => ({
  status: 'idle',
  requestId: null,
  progress: null,
  activeSeed: null,
  expansion: null,
  result: null,
  error: null,
});
