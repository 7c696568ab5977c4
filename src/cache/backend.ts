/**
 * Where the cache keeps its records and chunks: a small key-value interface with swappable
 * backends (IndexedDB in the app, memory in unit tests or where IndexedDB is unavailable).
 * `putMany` is atomic, so a chunk and the record that points to it land together or not at all.
 */
export type StoredValue = unknown;

export interface CacheBackend {
  /** A short name for messages ("indexeddb", "memory"). */
  readonly kind: string;
  get<T = StoredValue>(key: string): Promise<T | undefined>;
  getMany<T = StoredValue>(keys: readonly string[]): Promise<(T | undefined)[]>;
  putMany(entries: readonly (readonly [string, StoredValue])[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
  keys(): Promise<string[]>;
}

/** Keeps everything in a Map: for tests, and the fallback when IndexedDB cannot be opened. */
export function memoryBackend(): CacheBackend {
  const map = new Map<string, StoredValue>();
  return {
    kind: 'memory',
    async get<T>(key: string) {
      return map.get(key) as T | undefined;
    },
    async getMany<T>(keys: readonly string[]) {
      return keys.map((key) => map.get(key) as T | undefined);
    },
    async putMany(entries) {
      for (const [key, value] of entries) map.set(key, value);
    },
    async deleteMany(keys) {
      for (const key of keys) map.delete(key);
    },
    async keys() {
      return [...map.keys()];
    },
  };
}
