import { preview, type PreviewServer } from 'vite';

/** The build the suite tests: dist/, or the folder E2E_DIST_DIR names (so two checkouts' runs can share a tree). */
export const E2E_DIST_DIR = process.env.E2E_DIST_DIR ?? 'dist';

/**
 * Serves the production build (E2E_DIST_DIR, built by test/e2e/run.mjs) with `vite preview`, which sends the
 * COOP/COEP headers from vite.config.ts, on a free port. `outDir` serves another copy of the build
 * (a test that changes files, such as the service worker, works on its own copy).
 */
export async function startPreview(options: { outDir?: string } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'warn',
    build: { outDir: options.outDir ?? E2E_DIST_DIR },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not bind a TCP port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
