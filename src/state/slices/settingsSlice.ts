/** The generation form: what the user typed and chose. */
import type { StateCreator } from 'zustand';
import type { StoreState } from '../store';

export type SeedMode = 'random' | 'fixed';

export interface SettingsSlice {
  prompt: string;
  negativePrompt: string;
  aspect: string;
  /** One of the pack's frame counts; 1 = an image. */
  frames: number;
  steps: number;
  guidance: number;
  seedMode: SeedMode;
  /** The fixed seed (used when `seedMode` is `fixed`). */
  seed: number;
  expandPrompt: boolean;
  /**
   * The saved file's size relative to the model's own (4: 32×32 becomes 128×128); a pack whose
   * decoder already renders larger is enlarged only by the rest (src/media/outputScale.ts).
   */
  upscale: number;
  setSettings(patch: Partial<Omit<SettingsSlice, 'setSettings'>>): void;
}

export const DEFAULT_SETTINGS = {
  prompt: '',
  negativePrompt: '',
  aspect: '1:1',
  frames: 17,
  steps: 20,
  guidance: 4,
  seedMode: 'random' as SeedMode,
  seed: 1,
  expandPrompt: true,
  upscale: 4,
};

export const createSettingsSlice: StateCreator<StoreState, [], [], SettingsSlice> = (set) => ({
  ...DEFAULT_SETTINGS,
  setSettings: (patch) => set(patch),
});
