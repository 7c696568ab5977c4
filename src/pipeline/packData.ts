/**
 * The data-file port: bytes of a pack's data files (roles an architecture declares beside its
 * graphs, src/models/packArchitectures.ts), read by the architecture itself rather than by
 * onnxruntime. A file may be far larger than one buffer should be (wan2.1's embedding table is about
 * 1 GiB), so reads are by range: an implementation reads only what covers the range (Node: a file
 * handle; the browser: the cache chunks holding it), checked against the pack's hashes where it
 * already checks files. Node (src/runtime/nodePackData.ts) and the browser's cache
 * (src/runtime/cachePackData.ts) implement it.
 */

export interface PackData {
  /**
   * `length` bytes of the data file of `role` from byte `offset`.
   * @throws when the range is outside the file, the file is missing, or its bytes fail their check
   */
  readData(role: string, offset: number, length: number): Promise<Uint8Array>;
}
