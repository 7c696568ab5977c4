/**
 * The main-thread side of "Check a video": starts the check worker on first use (so a page that never
 * checks a file never loads the detector) and hands it the file's bytes, transferred.
 */
import { transfer, wrap, type Remote } from 'comlink';
import type { CheckFile, CheckOutcome, CheckWorkerApi } from './checkProtocol';

let worker: Worker | null = null;
let remote: Remote<CheckWorkerApi> | null = null;

/** Checks one file in the worker; rejects only when the worker itself fails (it is then restarted on the next check). */
export async function checkInWorker(file: CheckFile): Promise<CheckOutcome> {
  if (!worker || !remote) {
    worker = new Worker(new URL('../../workers/check.worker.ts', import.meta.url), { type: 'module', name: 'tessera-check' });
    remote = wrap<CheckWorkerApi>(worker);
  }
  const current = worker;
  let onError: (event: ErrorEvent) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => {
    onError = (event) => {
      if (worker === current) worker = remote = null;
      current.terminate();
      reject(new Error(event.message || 'the check worker stopped'));
    };
  });
  current.addEventListener('error', onError);
  try {
    return await Promise.race([remote.check(transfer(file, [file.bytes])), crashed]);
  } finally {
    current.removeEventListener('error', onError);
  }
}
