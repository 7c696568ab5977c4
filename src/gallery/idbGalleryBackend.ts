/** The gallery's IndexedDB store (idb-keyval), a database of its own, apart from the model cache. */
import { createStore, delMany, getMany, keys, setMany, update } from 'idb-keyval';
import type { GalleryBackend } from './galleryDb';

export const GALLERY_DB_NAME = 'tessera-gallery';
export const GALLERY_STORE_NAME = 'clips';

export function idbGalleryBackend(): GalleryBackend {
  const store = createStore(GALLERY_DB_NAME, GALLERY_STORE_NAME);
  return {
    getMany: (names) => getMany([...names], store),
    setMany: (entries) => setMany(entries.map(([key, value]) => [key, value]), store),
    update: (key, fn) => update(key, fn, store),
    delMany: (names) => delMany([...names], store),
    keys: async () => (await keys(store)).map(String),
  };
}
