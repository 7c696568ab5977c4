/** The app's one store, built from typed slices. Holds plain data and object URLs only. */
import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './slices/appSlice';
import { createCheckSlice, type CheckSlice } from './slices/checkSlice';
import { createEngineSlice, type EngineSlice } from './slices/engineSlice';
import { createGallerySlice, type GallerySlice } from './slices/gallerySlice';
import { createGenerationSlice, type GenerationSlice } from './slices/generationSlice';
import { createModeSlice, type ModeSlice } from './slices/modeSlice';
import { createQueueSlice, type QueueSlice } from './slices/queueSlice';
import { createSettingsSlice, type SettingsSlice } from './slices/settingsSlice';
import { createStoryboardSlice, type StoryboardSlice } from './storyboardSlice';

export type StoreState = SettingsSlice & EngineSlice & GenerationSlice & GallerySlice & AppSlice & ModeSlice & CheckSlice & StoryboardSlice & QueueSlice;

export const useStore = create<StoreState>()((...args) => ({
  ...createSettingsSlice(...args),
  ...createEngineSlice(...args),
  ...createGenerationSlice(...args),
  ...createGallerySlice(...args),
  ...createAppSlice(...args),
  ...createModeSlice(...args),
  ...createCheckSlice(...args),
  ...createQueueSlice(...args),
  ...createStoryboardSlice(...args),
}));
