/** Step i of N with an ETA, a progress bar, and the live latent preview. */
import { progressFraction } from '../state/queueSelectors';
import { progressText } from '../state/selectors';
import { useStore } from '../state/store';
import { PreviewCanvas } from './PreviewCanvas';

export function ProgressPanel() {
  const progress = useStore((s) => s.progress);
  const running = useStore((s) => s.status === 'running');
  const seed = useStore((s) => s.activeSeed);
  if (!running || !progress) return null;
  const fraction = progressFraction(progress);
  return (
    <section className="panel progress" aria-label="Progress">
      <p role="status" data-testid="progress-text">
        {progressText(progress)}
      </p>
      <progress max={1} value={fraction} aria-label="Generation progress" />
      <p className="hint">Seed {seed}</p>
      <PreviewCanvas />
    </section>
  );
}
