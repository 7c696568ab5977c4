/**
 * The weight cache: model packs downloaded once (chunked, resumable, verified) into IndexedDB and
 * read back for onnxruntime. See docs/model-pack.md for the format and the cache's rules.
 */
export {
  ModelStore,
  defaultBackend,
  withPackLock,
  MODELS_CHANNEL,
  type InstallOptions,
  type PackInfo,
  type ReadOptions,
  type StoreAnnouncement,
} from './modelStore';
export { memoryBackend, type CacheBackend } from './backend';
export { idbBackend, MODEL_DB_NAME, MODEL_STORE_NAME } from './idbBackend';
export { toBytes, type DownloadNote } from './downloader';
export {
  CacheError,
  DownloadError,
  IntegrityError,
  PackNotInstalledError,
  PackRequirementsError,
  StorageQuotaError,
  type CacheErrorCode,
} from './errors';
export { fetchManifest, type FetchedManifest } from './manifestFetch';
export { manifestUrlFor } from './http';
export type { FileTransferProgress, ModelProgress, ModelProgressStatus, ProgressCallback } from './progress';
export { checkQuota, requestPersistence } from './quota';
export { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, type PackStatus, type FileState } from './records';
export { packProblems, probeDeviceLimits, wasmProblem, type DeviceLimits } from './requirements';
export { sessionSource, externalDataLocation, type SessionSource } from './sessionSource';
export { measureCacheRead, measureColdWarmLoad, type CacheReadMeasurement, type LoadMeasurement } from './bench';
