/** The "Check a video" worker's entry: exposes the check over comlink, nothing else (src/check/checkMedia.ts). */
import { expose } from 'comlink';
import { checkMedia } from '../src/check/checkMedia';
import type { CheckWorkerApi } from '../src/check/checkProtocol';

const api: CheckWorkerApi = { check: checkMedia };
expose(api);
