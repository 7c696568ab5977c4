import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { CROSS_ORIGIN_ISOLATION } from './src/pwa/isolationHeaders.js';
import { webAppManifest } from './src/pwa/webAppManifest.js';

/** onnxruntime-web's `.wasm` is about 27 MB; workbox's default limit (2 MiB) would leave it out. */
const MAX_PRECACHED_FILE_BYTES = 64 * 1024 * 1024;

export default defineConfig({
  plugins: [
    react(),
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
  server: { headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
  worker: { format: 'es' },
});
