/** Reads a model pack from a folder in Node and checks each file against its manifest entry. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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
  checkSize(path, bytes.length, file);
  checkSha256(path, createHash('sha256').update(bytes).digest('hex'), file);
  return bytes;
}

/**
 * Checks one file of a pack as `readVerifiedFile` does without holding it: the hash is streamed, so
 * a 1 GiB external-data shard or embedding table costs a read buffer, not its size in memory.
 */
export async function verifyFile(dir: string, file: ManifestFile): Promise<void> {
  const path = join(dir, file.path);
  const size = await stat(path).then(
    (s) => s.size,
    (cause: unknown) => {
      throw new ModelLoadError('missing-file', `model file ${path} is missing`, { cause });
    },
  );
  checkSize(path, size, file);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  checkSha256(path, hash.digest('hex'), file);
}

function checkSize(path: string, size: number, file: ManifestFile): void {
  if (size !== file.bytes) throw new ModelLoadError('size-mismatch', `model file ${path} has ${size} bytes, the manifest says ${file.bytes}`);
}

function checkSha256(path: string, sha256: string, file: ManifestFile): void {
  if (sha256 !== file.sha256) throw new ModelLoadError('checksum-mismatch', `model file ${path} is corrupt: sha256 ${sha256}, the manifest says ${file.sha256}`);
}
