/**
 * The generation queue: the running job with its progress and time left, the waiting ones with when
 * they should start (move up/down, cancel), and finished ones (retry a failed or cancelled one).
 */
import { startEstimates } from '../queue/queueEta';
import type { QueueJob } from '../queue/queueTypes';
import { askToNotify } from '../state/finishAnnouncer';
import { cancelQueuedJob, clearFinishedJobs, moveQueuedJob, retryQueuedJob } from '../state/queueActions';
import { displayOrder, jobLabel, jobSettingsText, jobStatusText, progressFraction, runningLeftMs } from '../state/queueSelectors';
import { useStore } from '../state/store';
import './QueuePanel.css';

export function QueuePanel() {
  const queue = useStore((s) => s.queue);
  const generation = useStore((s) => s.progress);
  const segment = useStore((s) => s.storyboardProgress);
  const costs = useStore((s) => s.queueCosts);
  const storageError = useStore((s) => s.queueStorageError);
  const permission = useStore((s) => s.notifyPermission);
  if (queue.length === 0 && !storageError) return null;

  const jobs = displayOrder(queue);
  const running = jobs.find((job) => job.status === 'running');
  const progress = running?.kind === 'storyboard' ? segment : generation;
  const leftMs = runningLeftMs(running, progress, costs);
  const starts = startEstimates(queue, leftMs, costs);
  const waiting = jobs.filter((job) => job.status === 'waiting');
  const finished = jobs.length - waiting.length - (running ? 1 : 0);

  return (
    <section className="panel queue" aria-label="Queue">
      <h2>Queue</h2>
      <p className="hint" data-testid="queue-summary">
        {running ? '1 running' : 'Nothing running'} · {waiting.length} waiting · {finished} finished
      </p>
      {storageError && <p className="warning">{storageError}</p>}
      <ol className="queue-jobs">
        {jobs.map((job) => (
          <JobRow
            key={job.id}
            job={job}
            status={jobStatusText(job, job.status === 'running' ? progress : null, starts.get(job.id), leftMs)}
            fraction={job.status === 'running' && progress ? progressFraction(progress) : null}
            first={job === waiting[0]}
            last={job === waiting[waiting.length - 1]}
          />
        ))}
      </ol>
      <div className="actions">
        {finished > 0 && (
          <button type="button" onClick={clearFinishedJobs}>
            Clear finished
          </button>
        )}
        {permission === 'default' && (
          <button type="button" onClick={() => void askToNotify()}>
            Notify me when a job finishes
          </button>
        )}
      </div>
    </section>
  );
}

interface JobRowProps {
  readonly job: QueueJob;
  readonly status: string;
  /** The running job's progress, 0 to 1; null for the others. */
  readonly fraction: number | null;
  /** First / last among the waiting jobs: it cannot move further that way. */
  readonly first: boolean;
  readonly last: boolean;
}

function JobRow({ job, status, fraction, first, last }: JobRowProps) {
  const label = jobLabel(job);
  const unfinished = job.status === 'waiting' || job.status === 'running';
  return (
    <li className={`queue-job ${job.status}`} data-status={job.status} data-kind={job.kind} data-seed={job.settings.seed}>
      <p className="queue-job-prompt">{job.settings.prompt}</p>
      <p className="hint">
        Seed <span data-testid="queue-job-seed">{job.settings.seed}</span>
        {job.variation && ` · variation ${job.variation.index} of ${job.variation.count} from seed ${job.variation.baseSeed}`} · {jobSettingsText(job)}
      </p>
      <p className="queue-job-status" data-testid="queue-job-status">
        {status}
      </p>
      {fraction !== null && <progress max={1} value={fraction} aria-label={`Progress of ${label}`} />}
      {job.interrupted && unfinished && (
        <p className="hint" data-testid="queue-job-interrupted">
          Interrupted by a reload or a closed tab: {job.status === 'running' ? 'restarted' : 'it restarts'} from its beginning.
        </p>
      )}
      {job.persistNote && unfinished && <p className="hint warning">{job.persistNote}</p>}
      {job.keepError && <p className="hint warning">{job.keepError}</p>}
      <div className="queue-job-actions">
        {job.status === 'waiting' && (
          <>
            <button type="button" onClick={() => moveQueuedJob(job.id, 'up')} disabled={first} aria-label={`Move up ${label}`}>
              ↑ Move up
            </button>
            <button type="button" onClick={() => moveQueuedJob(job.id, 'down')} disabled={last} aria-label={`Move down ${label}`}>
              ↓ Move down
            </button>
          </>
        )}
        {unfinished && (
          <button type="button" onClick={() => cancelQueuedJob(job.id)} aria-label={`Cancel ${label}`}>
            Cancel
          </button>
        )}
        {(job.status === 'failed' || job.status === 'cancelled') && (
          <button type="button" onClick={() => retryQueuedJob(job.id)} aria-label={`Retry ${label}`}>
            Retry
          </button>
        )}
      </div>
    </li>
  );
}
