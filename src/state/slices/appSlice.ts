/** The installed app around the generator: update and offline readiness, and short notices. */
import type { StateCreator } from 'zustand';
import type { StoreState } from '../store';

/** A short message after an action (share, restore): text, and a link to show when there is one. */
export interface Notice {
  readonly id: number;
  readonly text: string;
  readonly link?: string;
}

export interface AppSlice {
  /** A new version is installed and waits for the user's consent. */
  updateReady: boolean;
  /** The app shell is cached: the app starts without a network. */
  offlineReady: boolean;
  notice: Notice | null;
  /** Store the prompt in the files' metadata (seed and settings are always stored). */
  promptInFile: boolean;
}

export const createAppSlice: StateCreator<StoreState, [], [], AppSlice> = () => ({
  updateReady: false,
  offlineReady: false,
  notice: null,
  promptInFile: true,
});
