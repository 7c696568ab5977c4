/**
 * The service worker (built by vite-plugin-pwa's injectManifest into dist/sw.js).
 *
 * - Precaches the app shell: HTML, JS, CSS, icons, the web manifest and onnxruntime-web's `.wasm`.
 *   Model packs (`models/**`) are left out on purpose: their weights live in the IndexedDB model
 *   cache (src/cache/), which verifies and versions them.
 * - Serves every navigation with the precached index.html, so the app starts offline (settings links
 *   with `?prompt=…` included).
 * - Adds the app's response headers (COOP/COEP, CSP, nosniff, referrer policy) to everything it
 *   serves. A page served from a service worker takes its isolation and its policy from the worker's
 *   response, so without this an offline start would lose SharedArrayBuffer (onnxruntime would fall
 *   back to one thread); it also isolates and protects the app on hosts that cannot set headers.
 * - Waits for the page's consent before a new version takes over ("Reload" in the update notice
 *   posts `SKIP_WAITING`).
 */
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { RESPONSE_HEADERS } from './responseHeaders';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

/** The same response with the app's headers set (status, body and other headers unchanged). */
function withAppHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(RESPONSE_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

addPlugins([{ handlerWillRespond: async ({ response }) => withAppHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// The first install controls the open page at once (nothing older to be consistent with); later
// versions wait in `waiting` until the user consents.
clientsClaim();
