/**
 * The data-file port (src/pipeline/packData.ts) on a pack folder in Node. Before the first read of a
 * file, its size and sha256 are checked against the manifest, streamed so that a 1 GiB embedding
 * table is never one buffer (the runner checks graph files the same way, nodePack.ts); afterwards
 * each read takes only its range through a file handle.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileFor, type Manifest, type ManifestFile } from '../models/manifest';
import type { PackData } from '../pipeline/packData';
import { ModelLoadError } from './errors';

/** The data files of the pack in `dir` (already parsed as `manifest`). */
export function createNodePackData(dir: string, manifest: Manifest): PackData {
  const verified = new Map<string, Promise<void>>();
  return {
    async readData(role, offset, length) {
      const file = fileFor(manifest, role);
      const path = join(dir, file.path);
      checkRange(file, offset, length);
      let check = verified.get(role);
      if (!check) {
        check = verifyFile(path, file);
        verified.set(role, check);
        // A failed check is not remembered: the next read checks again (the file may have been fixed).
        check.catch(() => verified.delete(role));
      }
      await check;
      const handle = await open(path, 'r');
      try {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, offset + done);
          if (bytesRead === 0) throw new ModelLoadError('size-mismatch', `model file ${path} ended at byte ${offset + done}, before the ${length} bytes asked for`);
          done += bytesRead;
        }
        return out;
      } finally {
        await handle.close();
      }
    },
  };
}

function checkRange(file: ManifestFile, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.bytes) {
    throw new RangeError(`bytes ${offset}..${offset + length} are outside ${file.path} (${file.bytes} bytes)`);
  }
}

async function verifyFile(path: string, file: ManifestFile): Promise<void> {
  const size = await stat(path).then(
    (s) => s.size,
    (cause: unknown) => {
      throw new ModelLoadError('missing-file', `model file ${path} is missing`, { cause });
    },
  );
  if (size !== file.bytes) throw new ModelLoadError('size-mismatch', `model file ${path} has ${size} bytes, the manifest says ${file.bytes}`);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  if (sha256 !== file.sha256) throw new ModelLoadError('checksum-mismatch', `model file ${path} is corrupt: sha256 ${sha256}, the manifest says ${file.sha256}`);
}
