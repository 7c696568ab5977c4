/**
 * The data-file port (src/pipeline/packData.ts) on a pack folder in Node. Before the first read of a
 * file, its size and sha256 are checked against the manifest, streamed so that a 1 GiB embedding
 * table is never one buffer (the runner checks graph files the same way, nodePack.ts); afterwards
 * each read takes only its range through a file handle.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileFor, type Manifest, type ManifestFile } from '../models/manifest';
import type { PackData } from '../pipeline/packData';
import { ModelLoadError } from './errors';
import { verifyFile } from './nodePack';

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
        check = verifyFile(dir, file);
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
