/** "Check a video": reads the picked or dropped file and hands it to the check worker; the latest file wins. */
import { checkInWorker } from '../check/checkClient';
import { useStore } from './store';

/** Larger files are not read into memory; `npm run check` handles them. */
export const MAX_CHECK_BYTES = 1024 * 1024 * 1024;

let latest = 0;

/** Checks `file` for Tessera's watermark and provenance metadata; the result lands in `fileCheck`. */
export async function checkFile(file: File): Promise<void> {
  const id = ++latest;
  const fileName = file.name;
  if (file.size > MAX_CHECK_BYTES) {
    useStore.setState({ fileCheck: { status: 'failed', fileName, code: 'too-large', message: `“${fileName}” is over 1 GB, too large to check in the browser; use \`npm run check -- FILE\` on a computer.` } });
    return;
  }
  useStore.setState({ fileCheck: { status: 'checking', fileName } });
  let next;
  try {
    const outcome = await checkInWorker({ name: fileName, type: file.type, bytes: await file.arrayBuffer() });
    next = outcome.ok ? ({ status: 'done', fileName, report: outcome.report } as const) : ({ status: 'failed', fileName, code: outcome.code, message: outcome.message } as const);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    next = { status: 'failed', fileName, code: 'unreadable', message: `“${fileName}” could not be checked (${reason}).` } as const;
  }
  if (id === latest) useStore.setState({ fileCheck: next });
}
