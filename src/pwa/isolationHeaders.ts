/**
 * Cross-origin isolation: onnxruntime-web needs SharedArrayBuffer for multithreaded WASM, which
 * browsers grant only to isolated pages. Sent by the dev and preview servers (vite.config.ts), added
 * by the service worker to what it serves (src/pwa/sw.ts), and required of production hosting.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
