/**
 * The engine's worker entry: exposes the Engine, on the browser's platform, over comlink; nothing else.
 *
 * onnxruntime-web starts its WASM threads with `new Worker(import.meta.url, { name: 'em-pthread' })`,
 * and in a production build import.meta.url is this bundled file: each thread re-runs this top-level
 * code. Exposing the engine there would steal the thread's messages and hang a multithreaded session,
 * so only the real engine worker exposes.
 */
import { expose } from 'comlink';
import { BROWSER_PLATFORM } from '../src/engine/browserPlatform';
import { Engine } from '../src/engine/engine';
import { installErrorTransfer } from '../src/engine/errors';

if (!self.name?.startsWith('em-pthread')) {
  installErrorTransfer();
  expose(new Engine(BROWSER_PLATFORM));
}
