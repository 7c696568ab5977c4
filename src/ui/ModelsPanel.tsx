/**
 * Models: the installed packs with size and status, their downloads (bytes, speed, ETA), Resume,
 * Pause, Verify and Delete, "Add model from URL", "Open pack folder" (or a folder dropped on the
 * panel), and which pack is in use (with its licence, where the manifest names one) with "Use this model" on the others. Pack state and actions live in the cache's ModelsController, the switch in the app's
 * store and actions; this file only shows them.
 */
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import type { PackInfo } from '../cache';
import { isFolderSource } from '../cache/packFolder';
import { formatBytes } from '../lib/formatBytes';
import { describeDownload, type ModelsController, type DownloadView, type ModelsError } from '../cache/modelsController';
import { choosePack } from '../state/actions';
import { pageModelCache } from '../state/modelCache';
import { packUseOffer, type PackChoice, type UseOffer } from '../state/packChoice';
import type { PackSwitch } from '../state/slices/engineSlice';
import { useStore } from '../state/store';
import { OpenPackFolder, useFolderDrop } from './OpenPackFolder';
import { PackLicence } from './PackLicence';
import './ModelsPanel.css';

const STATUS_TEXT = { complete: 'Complete', partial: 'Partial', corrupt: 'Corrupt' } as const;

export function ModelsPanel() {
  const models = pageModelCache();
  const snapshot = useSyncExternalStore(models.subscribe, models.getSnapshot);
  const [url, setUrl] = useState('');
  const active = useStore((s) => s.pack);
  const packChoice = useStore((s) => s.packChoice);
  const engineStatus = useStore((s) => s.engineStatus);
  const generating = useStore((s) => s.status === 'running');
  const packSwitch = useStore((s) => s.packSwitch);
  const builtInUrl = useStore((s) => s.builtInManifestUrl);
  const builtInListed = snapshot.packs.some((p) => p.sourceUrl === builtInUrl);
  const drop = useFolderDrop(models);
  const builtInOffer = packUseOffer({ status: 'complete', inUse: packChoice === null, loading: engineStatus === 'switching' && packSwitch?.choice === null, busy: undefined, engineStatus, generating });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim()) void models.add(url.trim());
  };

  return (
    <section
      className={`panel models${drop.dragging ? ' models-dropping' : ''}`}
      aria-labelledby="models-title"
      data-testid="models-panel"
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
    >
      <h2 id="models-title">Models</h2>
      {active ? (
        <p data-testid="models-active">
          In use: <strong>{active.name}</strong> {active.version} ({active.dtype}){packChoice === null ? ', built in' : ''}
          <PackLicence license={active.license} />
        </p>
      ) : null}
      {snapshot.packs.length === 0 ? <p className="hint">No model packs installed yet.</p> : null}
      <ul className="models-list">
        {snapshot.packs.map((pack) => {
          const choice = pack.sourceUrl === builtInUrl ? null : pack.name;
          const download = snapshot.downloads[pack.name];
          const busy = snapshot.busy[pack.name] ?? (download && !download.done ? 'installing' : undefined);
          const use = packUseOffer({
            status: pack.status,
            inUse: active?.name === pack.name,
            loading: engineStatus === 'switching' && packSwitch?.choice === choice,
            busy,
            engineStatus,
            generating,
            fromFolder: isFolderSource(pack.sourceUrl),
          });
          return (
            <PackRow
              key={pack.name}
              pack={pack}
              download={download}
              busy={snapshot.busy[pack.name]}
              error={snapshot.errors[pack.name]}
              controller={models}
              use={use}
              onUse={() => void choosePack(choice, pack.name)}
              switchError={switchErrorFor(packSwitch, choice, active?.name)}
            />
          );
        })}
      </ul>
      {!builtInListed && builtInOffer.kind !== 'in-use' ? (
        <div className="models-builtin">
          <UseButton offer={builtInOffer} label="the built-in model" text="Use the built-in model" id="builtin" onUse={() => void choosePack(null, 'the built-in model')} />
          <SwitchError message={switchErrorFor(packSwitch, null, active?.name)} />
        </div>
      ) : null}
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
      <OpenPackFolder controller={models} opening={snapshot.opening} error={snapshot.folderError} />
    </section>
  );
}

interface PackRowProps {
  readonly pack: PackInfo;
  readonly download: DownloadView | undefined;
  readonly busy: 'installing' | 'verifying' | 'deleting' | undefined;
  readonly error: ModelsError | undefined;
  readonly controller: ModelsController;
  readonly use: UseOffer;
  readonly onUse: () => void;
  /** Why the last "Use this model" on this pack failed. */
  readonly switchError: ModelsError | null;
}

function PackRow({ pack, download, busy, error, controller, use, onUse, switchError }: PackRowProps) {
  const [confirming, setConfirming] = useState(false);
  const downloading = busy === 'installing' || (download !== undefined && !download.done);
  const label = `${pack.name} ${pack.version}`;
  // A pack opened from a folder is copied, not downloaded, and only that folder can finish it.
  const fromFolder = isFolderSource(pack.sourceUrl);
  return (
    <li className="models-pack" data-testid={`pack-${pack.name}`} data-status={pack.status}>
      <div className="models-pack-head">
        <strong>{pack.name}</strong> <span className="hint">{pack.version}</span>
        <span className="models-size">{formatBytes(pack.totalBytes)}</span>
        <span className={`models-status models-status-${downloading ? 'downloading' : pack.status}`} data-testid="pack-status">
          {downloading ? (fromFolder ? 'Copying' : 'Downloading') : STATUS_TEXT[pack.status]}
          {pack.status === 'partial' && !downloading ? ` — ${formatBytes(pack.storedBytes)} of ${formatBytes(pack.totalBytes)}` : ''}
        </span>
        {use.kind === 'in-use' ? (
          <span className="models-inuse" data-testid="pack-in-use">
            In use
          </span>
        ) : null}
      </div>
      {download ? (
        <div className="models-download">
          <progress max={Math.max(1, download.total)} value={download.loaded} aria-label={`Download of ${pack.name}`} />
          <p className="hint" data-testid="download-text">
            {download.source === 'cache' ? 'Reading' : fromFolder ? 'Copying' : 'Downloading'} {download.file}: {describeDownload(download)}
          </p>
        </div>
      ) : null}
      {busy === 'verifying' ? <p className="hint">Checking every stored chunk…</p> : null}
      {error ? (
        <p className="models-error" aria-live="assertive" data-code={error.code}>
          {error.message}
        </p>
      ) : null}
      <SwitchError message={switchError} />
      <div className="models-actions">
        {use.kind !== 'in-use' ? <UseButton offer={use} label={label} text="Use this model" id={pack.name} onUse={onUse} /> : null}
        {pack.status !== 'complete' && !downloading && !fromFolder ? (
          <button type="button" onClick={() => void controller.resume(pack.name)} disabled={busy !== undefined} aria-label={`Resume ${label}`}>
            Resume
          </button>
        ) : null}
        {busy === 'installing' ? (
          <button type="button" onClick={() => controller.pause(pack.name)} aria-label={`${fromFolder ? 'Cancel copying' : 'Pause'} ${label}`}>
            {fromFolder ? 'Cancel' : 'Pause'}
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

/** "Use this model", named for the pack; disabled with its reason shown beside it. */
function UseButton({ offer, label, text, id, onUse }: { offer: Exclude<UseOffer, { kind: 'in-use' }>; label: string; text: string; id: string; onUse: () => void }) {
  const reason = offer.kind === 'button' ? offer.disabledReason : null;
  return (
    <>
      <button
        type="button"
        className="models-use"
        onClick={onUse}
        disabled={offer.kind === 'loading' || reason !== null}
        aria-label={`Use ${label}`}
        aria-busy={offer.kind === 'loading' || undefined}
        aria-describedby={reason ? `use-why-${id}` : undefined}
      >
        {offer.kind === 'loading' ? 'Loading…' : text}
      </button>
      {reason ? (
        <span className="hint models-use-why" id={`use-why-${id}`}>
          {reason}
        </span>
      ) : null}
    </>
  );
}

function SwitchError({ message }: { message: ModelsError | null }) {
  if (!message) return null;
  return (
    <p className="models-error" aria-live="assertive" data-code={message.code} data-testid="switch-error">
      {message.message}
    </p>
  );
}

/** The failed switch to `choice`, with the pack that stayed in use. */
function switchErrorFor(packSwitch: PackSwitch | null, choice: PackChoice, activeName: string | undefined): ModelsError | null {
  if (!packSwitch?.error || packSwitch.choice !== choice) return null;
  const kept = activeName ? ` ${activeName} is still in use.` : '';
  return { code: packSwitch.error.code, message: `Could not switch to this model: ${packSwitch.error.message}${kept}` };
}
