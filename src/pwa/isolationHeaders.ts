/**
 * Cross-origin isolation: onnxruntime-web needs SharedArrayBuffer for multithreaded WASM, which
 * browsers grant only to isolated pages. Part of every response's headers (src/pwa/responseHeaders.ts),
 * and required of production hosting.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
