/** Which backend and adapter run the model, and a notice when it fell back from WebGPU. */
import { backendLabel } from '../state/actions';
import { formatBytes } from '../state/selectors';
import { useStore } from '../state/store';

export function BackendBadge() {
  const backend = useStore((s) => s.backend);
  const status = useStore((s) => s.engineStatus);
  const load = useStore((s) => s.loadProgress);
  const pack = useStore((s) => s.pack);
  if (!backend) {
    return (
      <p className="badge" role="status">
        {status === 'failed' ? 'Model not loaded' : load ? `Loading ${load.file} (${load.stage === 'download' ? `${formatBytes(load.loaded)} of ${formatBytes(load.total)}` : `${load.loaded} of ${load.total}`})…` : 'Starting…'}
      </p>
    );
  }
  return (
    <p className="badge" data-testid="backend-badge" data-backend={backend.backend} title={backend.reason}>
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
