/**
 * Registers the service worker (src/pwa/sw.ts) and tells the store when the app works offline and
 * when a new version waits. The new version takes over only through `applyUpdate`, on the user's
 * consent ("Reload" in the update notice); the page then reloads once it controls it.
 */
/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';
import { useStore } from '../state/store';

let update: ((reloadPage?: boolean) => Promise<void>) | null = null;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({
    onNeedRefresh: () => useStore.setState({ updateReady: true }),
    onOfflineReady: () => useStore.setState({ offlineReady: true }),
  });
}

/** Activates the waiting version; the page reloads when it takes control. */
export function applyUpdate(): void {
  // vite-plugin-pwa reloads only pages that were controlled when they loaded; a page the first
  // version claimed after its install would stay on the old code, so reload on any controller change.
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  void update?.(true);
}

/** Keeps the current version for now; the notice comes back on the next start. */
export function dismissUpdate(): void {
  useStore.setState({ updateReady: false });
}
