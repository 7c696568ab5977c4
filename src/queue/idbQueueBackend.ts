/** The queue's IndexedDB store (idb-keyval), a database of its own, apart from the gallery and the model cache. */
import { createStore, delMany, get, keys, set, setMany } from 'idb-keyval';
import type { QueueBackend } from './queueDb';

export const QUEUE_DB_NAME = 'tessera-queue';
export const QUEUE_STORE_NAME = 'jobs';

export function idbQueueBackend(): QueueBackend {
  const store = createStore(QUEUE_DB_NAME, QUEUE_STORE_NAME);
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    setMany: (entries) => setMany(entries.map(([key, value]) => [key, value]), store),
    delMany: (names) => delMany([...names], store),
    keys: async () => (await keys(store)).map(String),
  };
}
