/** The gallery as the UI sees it: entries (plain data) with thumbnail object URLs, and the undo offer. */
import type { StateCreator } from 'zustand';
import type { GalleryEntry } from '../../gallery/galleryTypes';
import type { StoreState } from '../store';

export type GalleryStatus = 'loading' | 'ready' | 'unavailable';

export interface GalleryItem {
  readonly entry: GalleryEntry;
  /** Object URL of the thumbnail; null when none could be made. */
  readonly thumbnailUrl: string | null;
}

export interface GallerySlice {
  galleryStatus: GalleryStatus;
  /** Newest first. */
  gallery: GalleryItem[];
  /** The clip just deleted, while it can still be brought back. */
  galleryUndo: { readonly item: GalleryItem; readonly position: number } | null;
  /** Why the last clip could not be kept, in words. */
  galleryError: string | null;
}

export const createGallerySlice: StateCreator<StoreState, [], [], GallerySlice> = () => ({
  galleryStatus: 'loading',
  gallery: [],
  galleryUndo: null,
  galleryError: null,
});
