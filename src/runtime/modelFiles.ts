/**
 * Where model bytes come from. Until the IndexedDB cache (src/cache/) takes over, every model file is
 * fetched from the app's origin through `loadModelFile`, the single point to swap.
 */
import { fileFor, parseManifest, type Manifest, type ManifestFile, type ModelRole } from '../models/manifest';
import { EngineError } from '../engine/errors';

/** A model pack whose manifest has been read and validated. */
export interface ModelPack {
  readonly manifest: Manifest;
  /** Absolute URL of the pack's folder, ending in "/". */
  readonly baseUrl: string;
}

/** Bytes of one file as they arrive: `loaded` of `total`. */
export type FileProgress = (file: string, loaded: number, total: number) => void;

/** Fetches and validates `manifest.json` of the pack at `packUrl`. */
export async function loadPack(packUrl: string): Promise<ModelPack> {
  const baseUrl = new URL(packUrl.endsWith('/') ? packUrl : `${packUrl}/`, globalThis.location?.href).href;
  const url = new URL('manifest.json', baseUrl).href;
  const response = await fetchOrExplain(url, 'manifest.json');
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    throw new EngineError('manifest-invalid', `The model pack at ${baseUrl} has a manifest.json that is not JSON.`, { detail: String(error) });
  }
  return { manifest: parseManifest(json, baseUrl), baseUrl };
}

/** The bytes of one file of the pack, checked against the manifest's size and sha256. */
export async function loadModelFile(pack: ModelPack, path: string, onProgress?: FileProgress): Promise<Uint8Array> {
  const file = pack.manifest.files.find((f) => f.path === path);
  if (!file) throw new EngineError('model-unavailable', `The model pack does not list a file "${path}".`);
  const response = await fetchOrExplain(file.url ?? new URL(path, pack.baseUrl).href, path);
  const bytes = await readBody(response, file, onProgress);
  await verify(file, bytes);
  return bytes;
}

/** The bytes of the graph with `role`. */
export function loadModelRole(pack: ModelPack, role: ModelRole, onProgress?: FileProgress): Promise<Uint8Array> {
  return loadModelFile(pack, fileFor(pack.manifest, role).path, onProgress);
}

async function fetchOrExplain(url: string, name: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new EngineError('model-unavailable', `Could not download ${name}: the network request failed. Check your connection and reload.`, {
      detail: String(error),
    });
  }
  if (!response.ok) {
    throw new EngineError('model-unavailable', `Could not download ${name}: the server answered ${response.status} ${response.statusText}.`);
  }
  // A dev server or SPA fallback answers index.html for missing files: refuse it rather than feed HTML to onnxruntime.
  if ((response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new EngineError('model-unavailable', `Could not download ${name}: the server sent a web page instead of the model file (is the model pack installed?).`);
  }
  return response;
}

async function readBody(response: Response, file: ManifestFile, onProgress?: FileProgress): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.bytes);
  const reader = response.body?.getReader();
  if (!reader) {
    const all = new Uint8Array(await response.arrayBuffer());
    checkSize(file, all.length);
    onProgress?.(file.path, all.length, file.bytes);
    return all;
  }
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > file.bytes) {
      await reader.cancel();
      checkSize(file, loaded + value.length);
    }
    bytes.set(value, loaded);
    loaded += value.length;
    onProgress?.(file.path, loaded, file.bytes);
  }
  checkSize(file, loaded);
  return bytes;
}

function checkSize(file: ManifestFile, got: number): void {
  if (got !== file.bytes) {
    throw new EngineError('model-unavailable', `${file.path} arrived with ${got} bytes, the manifest promises ${file.bytes}; the download was cut or the file is not this pack's. Reload to try again.`);
  }
}

async function verify(file: ManifestFile, bytes: Uint8Array): Promise<void> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return; // Only on insecure origins; the size check above still holds.
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== file.sha256) {
    throw new EngineError('model-unavailable', `${file.path} does not match its checksum in the manifest (corrupt or from another version of the pack). Reload to download it again.`, {
      detail: `sha256 ${hex}, expected ${file.sha256}`,
    });
  }
}
