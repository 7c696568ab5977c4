/**
 * Models: the installed packs with size and status, their downloads (bytes, speed, ETA), Resume,
 * Pause, Verify and Delete, and "Add model from URL". State and actions live in the cache's
 * ModelsController; this file only shows them.
 */
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { formatBytes, type PackInfo } from '../cache';
import { describeDownload, ModelsController, type DownloadView, type ModelsError } from '../cache/modelsController';
import './ModelsPanel.css';

let defaultController: ModelsController | null = null;

const STATUS_TEXT = { complete: 'Complete', partial: 'Partial', corrupt: 'Corrupt' } as const;

export function ModelsPanel({ controller }: { controller?: ModelsController }) {
  const models = (controller ??= defaultController ??= new ModelsController());
  const snapshot = useSyncExternalStore(models.subscribe, models.getSnapshot);
  const [url, setUrl] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim()) void models.add(url.trim());
  };

  return (
    <section className="panel models" aria-labelledby="models-title" data-testid="models-panel">
      <h2 id="models-title">Models</h2>
      {snapshot.packs.length === 0 ? <p className="hint">No model packs installed yet.</p> : null}
      <ul className="models-list">
        {snapshot.packs.map((pack) => (
          <PackRow
            key={pack.name}
            pack={pack}
            download={snapshot.downloads[pack.name]}
            busy={snapshot.busy[pack.name]}
            error={snapshot.errors[pack.name]}
            controller={models}
          />
        ))}
      </ul>
      {snapshot.usage ? (
        <p className="hint" data-testid="models-usage">
          This site stores {formatBytes(snapshot.usage.usedBytes)} in your browser
          {snapshot.usage.persisted === true ? '; kept even when storage runs low.' : snapshot.usage.persisted === false ? '; the browser may clear it when storage runs low.' : '.'}
        </p>
      ) : null}
      <form className="models-add" onSubmit={submit}>
        <label htmlFor="model-url">Add model from URL</label>
        <div className="models-add-row">
          <input
            id="model-url"
            type="url"
            inputMode="url"
            placeholder="https://example.com/packs/my-pack/manifest.json"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-describedby={snapshot.addError ? 'model-url-error' : 'model-url-hint'}
            aria-invalid={snapshot.addError ? true : undefined}
          />
          <button type="submit" disabled={snapshot.adding || url.trim() === ''}>
            {snapshot.adding ? 'Checking…' : 'Add'}
          </button>
        </div>
        {snapshot.addError ? (
          <p id="model-url-error" className="models-error" aria-live="assertive" data-code={snapshot.addError.code}>
            {snapshot.addError.message}
          </p>
        ) : (
          <p id="model-url-hint" className="hint">
            The manifest is checked first: its format, its sizes, and what this device can run. The server must allow cross-origin requests (CORS).
          </p>
        )}
      </form>
    </section>
  );
}

interface PackRowProps {
  readonly pack: PackInfo;
  readonly download: DownloadView | undefined;
  readonly busy: 'installing' | 'verifying' | 'deleting' | undefined;
  readonly error: ModelsError | undefined;
  readonly controller: ModelsController;
}

function PackRow({ pack, download, busy, error, controller }: PackRowProps) {
  const [confirming, setConfirming] = useState(false);
  const downloading = busy === 'installing' || (download !== undefined && !download.done);
  const label = `${pack.name} ${pack.version}`;
  return (
    <li className="models-pack" data-testid={`pack-${pack.name}`} data-status={pack.status}>
      <div className="models-pack-head">
        <strong>{pack.name}</strong> <span className="hint">{pack.version}</span>
        <span className="models-size">{formatBytes(pack.totalBytes)}</span>
        <span className={`models-status models-status-${downloading ? 'downloading' : pack.status}`} data-testid="pack-status">
          {downloading ? 'Downloading' : STATUS_TEXT[pack.status]}
          {pack.status === 'partial' && !downloading ? ` — ${formatBytes(pack.storedBytes)} of ${formatBytes(pack.totalBytes)}` : ''}
        </span>
      </div>
      {download ? (
        <div className="models-download">
          <progress max={Math.max(1, download.total)} value={download.loaded} aria-label={`Download of ${pack.name}`} />
          <p className="hint" data-testid="download-text">
            {download.source === 'cache' ? 'Reading' : 'Downloading'} {download.file}: {describeDownload(download)}
          </p>
        </div>
      ) : null}
      {busy === 'verifying' ? <p className="hint">Checking every stored chunk…</p> : null}
      {error ? (
        <p className="models-error" aria-live="assertive" data-code={error.code}>
          {error.message}
        </p>
      ) : null}
      <div className="models-actions">
        {pack.status !== 'complete' && !downloading ? (
          <button type="button" onClick={() => void controller.resume(pack.name)} disabled={busy !== undefined} aria-label={`Resume ${label}`}>
            Resume
          </button>
        ) : null}
        {busy === 'installing' ? (
          <button type="button" onClick={() => controller.pause(pack.name)} aria-label={`Pause ${label}`}>
            Pause
          </button>
        ) : null}
        <button type="button" onClick={() => void controller.verify(pack.name)} disabled={busy !== undefined || downloading} aria-label={`Verify ${label}`}>
          Verify
        </button>
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => (setConfirming(false), void controller.remove(pack.name))} aria-label={`Confirm deleting ${label}`}>
              Delete {formatBytes(pack.storedBytes)}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} disabled={busy !== undefined || downloading} aria-label={`Delete ${label}`}>
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
