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
   * The factor the decoded frames are enlarged by in the saved file (nearest neighbour), as the user
   * chose it in Output size; null follows the loaded pack's default, across pack switches
   * (src/media/outputScale.ts: 4 for tessera-tiny's 32-pixel frames, 1 for Wan2.1's 192).
   */
  upscale: number | null;
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
  upscale: null as number | null,
};

export const createSettingsSlice: StateCreator<StoreState, [], [], SettingsSlice> = (set) => ({
  ...DEFAULT_SETTINGS,
  setSettings: (patch) => set(patch),
});
