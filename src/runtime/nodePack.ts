/** Reads a model pack from a folder in Node and checks each file against its manifest entry. */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type Manifest, type ManifestFile } from '../models/manifest';
import { ModelLoadError } from './errors';

/** Reads and validates `<dir>/manifest.json`. Throws ModelLoadError or ManifestError. */
export async function readManifestFile(dir: string): Promise<Manifest> {
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ModelLoadError('missing-pack', `no model pack at ${dir} (not a folder)`);
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ModelLoadError('missing-pack', `no manifest.json in ${dir}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ModelLoadError('invalid-manifest', `${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseManifest(json);
}

/** Reads one file of a pack, refusing it unless its size and sha256 match the manifest. */
export async function readVerifiedFile(dir: string, file: ManifestFile): Promise<Uint8Array> {
  const path = join(dir, file.path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new ModelLoadError('missing-file', `model file ${path} is missing`, { cause });
  }
  if (bytes.length !== file.bytes) {
    throw new ModelLoadError('size-mismatch', `model file ${path} has ${bytes.length} bytes, the manifest says ${file.bytes}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== file.sha256) {
    throw new ModelLoadError('checksum-mismatch', `model file ${path} is corrupt: sha256 ${sha256}, the manifest says ${file.sha256}`);
  }
  return bytes;
}
