import { randomBytes } from 'node:crypto';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { devServerHeaders, headersFile, RESPONSE_HEADERS } from './src/pwa/responseHeaders.js';
import { webAppManifest } from './src/pwa/webAppManifest.js';

/** onnxruntime-web's `.wasm` is about 27 MB; workbox's default limit (2 MiB) would leave it out. */
const MAX_PRECACHED_FILE_BYTES = 64 * 1024 * 1024;

/** Writes `dist/_headers`, so static hosts that read it (Netlify, Cloudflare Pages) send the app's headers. */
function hostingHeadersFile(): Plugin {
  return {
      name: 'tessera:hosting-headers',
      apply: 'build',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile(RESPONSE_HEADERS) });
      },
    };
  }

export default defineConfig(({ command, isPreview }) => {
  // Only the dev server injects inline script and styles (React Refresh, Vite's CSS); Vite marks them
  // with this nonce, new at each start, and the dev CSP allows it. The build needs none.
  const devNonce = command === 'serve' && !isPreview ? randomBytes(16).toString('base64') : undefined;
  return {
    ...(devNonce ? { html: { cspNonce: devNonce } } : {}),
    plugins: [
      react(),
      hostingHeadersFile(),
      // The service worker precaches the app shell (wasm included, model packs not: they live in the
      // IndexedDB model cache) and waits for the user's consent before a new version takes over.
      VitePWA({
        strategies: 'injectManifest',
        srcDir: 'src/pwa',
        filename: 'sw.ts',
        registerType: 'prompt',
        injectRegister: false,
        includeManifestIcons: false,
        manifest: webAppManifest,
        injectManifest: {
          globPatterns: ['**/*.{html,js,css,wasm,png,svg,ico,webmanifest}'],
          globIgnores: ['models/**'],
          maximumFileSizeToCacheInBytes: MAX_PRECACHED_FILE_BYTES,
        },
      }),
    ],
    server: { headers: devNonce ? devServerHeaders(devNonce) : RESPONSE_HEADERS },
    preview: { headers: RESPONSE_HEADERS },
    worker: { format: 'es' },
  };
});
