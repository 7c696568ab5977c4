/** The app's one store, built from typed slices. Holds plain data and object URLs only. */
import { create } from 'zustand';
import { createEngineSlice, type EngineSlice } from './slices/engineSlice';
import { createGenerationSlice, type GenerationSlice } from './slices/generationSlice';
import { createModeSlice, type ModeSlice } from './slices/modeSlice';
import { createSettingsSlice, type SettingsSlice } from './slices/settingsSlice';

export type StoreState = SettingsSlice & EngineSlice & GenerationSlice & ModeSlice;

export const useStore = create<StoreState>()((...args) => ({
  ...createSettingsSlice(...args),
  ...createEngineSlice(...args),
  ...createGenerationSlice(...args),
  ...createModeSlice(...args),
}));
