/** Which model and backend run, load progress (at start and while switching models), and a notice when the backend fell back from WebGPU. */
import { backendLabel } from '../state/actions';
import { loadText } from '../state/selectors';
import { useStore } from '../state/store';

export function BackendBadge() {
  const backend = useStore((s) => s.backend);
  const status = useStore((s) => s.engineStatus);
  const load = useStore((s) => s.loadProgress);
  const pack = useStore((s) => s.pack);
  const switchingTo = useStore((s) => (s.engineStatus === 'switching' ? (s.packSwitch?.label ?? null) : null));
  if (switchingTo !== null) {
    return (
      <p className="badge" role="status" data-testid="switching-badge">
        Switching to {switchingTo}: {loadText(load)}
      </p>
    );
  }
  if (!backend) {
    return (
      <p className="badge" role="status">
        {status === 'failed' ? 'Model not loaded' : loadText(load)}
      </p>
    );
  }
  return (
    <p className="badge" data-testid="backend-badge" data-backend={backend.backend} data-pack={pack?.name} title={backend.reason}>
      {backendLabel(backend)}
      {pack ? ` · ${pack.name} ${pack.version} (${pack.dtype})` : ''}
    </p>
  );
}

export function FallbackNotice() {
  const fallback = useStore((s) => s.backend?.fallback);
  if (!fallback) return null;
  return (
    <p className="notice" role="note" data-testid="fallback-notice" data-code={fallback.code}>
      {fallback.message}
    </p>
  );
}
