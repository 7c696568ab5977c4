/**
 * What onnxruntime-web needs to create a session for one graph of a pack, read from the cache:
 * the graph's bytes and its external-data files (ONNX weights stored outside the graph, which is
 * how a pack over 2 GB loads: protobuf caps a graph file at 2 GiB, and weights may be sharded over
 * several files). Each file is read once into one buffer; nothing here keeps a second copy, and the
 * caller should drop the buffers once the session exists (onnxruntime copies them into its heap).
 */
import { fileFor, type Manifest, type ModelRole } from '../models/manifest';
import { CacheError } from './errors';
import type { ModelStore, ReadOptions } from './modelStore';

/** Arguments for `InferenceSession.create(model, { externalData })`. */
export interface SessionSource {
  readonly model: Uint8Array<ArrayBuffer>;
  /** `path` is the location the graph's initializers name, relative to the graph file. */
  readonly externalData: { readonly path: string; readonly data: Uint8Array<ArrayBuffer> }[];
  readonly bytes: number;
}

/** The external-data location of `dataPath` as written in a graph stored at `graphPath`. */
export function externalDataLocation(graphPath: string, dataPath: string): string {
  const folder = graphPath.includes('/') ? graphPath.slice(0, graphPath.lastIndexOf('/') + 1) : '';
  if (!dataPath.startsWith(folder)) {
    throw new CacheError('corrupt', `external data ${dataPath} must sit in the folder of its graph ${graphPath} (or below it)`);
  }
  return dataPath.slice(folder.length);
}

/** Reads a graph and its external data from a complete pack. */
export async function sessionSource(store: ModelStore, manifest: Manifest, role: ModelRole, options: ReadOptions = {}): Promise<SessionSource> {
  const graph = fileFor(manifest, role);
  const model = await store.readFile(manifest.name, graph.path, options);
  const externalData = [];
  for (const file of manifest.files.filter((f) => f.role === 'externalData' && f.of === role)) {
    externalData.push({ path: externalDataLocation(graph.path, file.path), data: await store.readFile(manifest.name, file.path, options) });
  }
  return { model, externalData, bytes: model.length + externalData.reduce((sum, e) => sum + e.data.length, 0) };
}
