/** "A new version is ready — Reload" (applied only on consent), and a one-time "works offline" note. */
import { applyUpdate, dismissUpdate } from '../pwa/registerServiceWorker';
import { useStore } from '../state/store';

export function UpdateNotice() {
  const updateReady = useStore((s) => s.updateReady);
  const offlineReady = useStore((s) => s.offlineReady);
  if (updateReady) {
    return (
      <p className="notice" role="status" data-testid="update-notice">
        A new version of Tessera is ready.{' '}
        <button type="button" className="primary" onClick={applyUpdate}>
          Reload
        </button>{' '}
        <button type="button" className="link" onClick={dismissUpdate}>
          Later
        </button>
      </p>
    );
  }
  if (offlineReady) {
    return (
      <p className="notice" role="note" data-testid="offline-ready">
        Tessera is ready to work offline.{' '}
        <button type="button" className="link" onClick={() => useStore.setState({ offlineReady: false })}>
          Hide
        </button>
      </p>
    );
  }
  return null;
}
