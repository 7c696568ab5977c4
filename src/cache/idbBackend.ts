import { createStore, delMany, get, getMany, keys, setMany, type UseStore } from 'idb-keyval';
import type { CacheBackend } from './backend';

/** The IndexedDB database and object store holding Tessera's model packs. */
export const MODEL_DB_NAME = 'tessera-models';
export const MODEL_STORE_NAME = 'packs';

/**
 * IndexedDB through idb-keyval's custom store. The database is shared by the page and the engine
 * worker (same origin), so the Models panel and the engine see the same packs.
 */
export function idbBackend(dbName = MODEL_DB_NAME, storeName = MODEL_STORE_NAME): CacheBackend {
  const store: UseStore = createStore(dbName, storeName);
  return {
    kind: 'indexeddb',
    get: <T>(key: string) => get<T>(key, store),
    getMany: <T>(list: readonly string[]) => getMany<T>([...list], store),
    putMany: (entries) => setMany(entries.map(([k, v]) => [k, v]), store),
    deleteMany: (list) => delMany([...list], store),
    keys: async () => (await keys(store)).map(String),
  };
}

/** True where this context has IndexedDB at all (some private modes and old workers do not). */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}
