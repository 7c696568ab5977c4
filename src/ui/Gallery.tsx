/**
 * Every clip made on this device: a grid (a list named "Gallery", one item per clip) with play,
 * generate again, delete with undo, and the storage the clips use.
 */
import { useMemo } from 'react';
import type { GalleryEntry } from '../gallery/galleryTypes';
import { deleteClip, dismissGalleryError, playClip, undoDelete } from '../state/galleryActions';
import { formatBytes } from '../lib/formatBytes';
import { generateAgain } from '../state/shareActions';
import { openStoredBoard } from '../state/storyboardActions';
import type { GalleryItem } from '../state/slices/gallerySlice';
import { useStore } from '../state/store';

export function Gallery() {
  const items = useStore((s) => s.gallery);
  const status = useStore((s) => s.galleryStatus);
  const undo = useStore((s) => s.galleryUndo);
  const error = useStore((s) => s.galleryError);
  const bytes = useMemo(() => items.reduce((sum, item) => sum + item.entry.fileBytes + item.entry.thumbnailBytes, 0), [items]);

  return (
    <section className="panel gallery" aria-labelledby="gallery-heading">
      <div className="gallery-head">
        <h2 id="gallery-heading">Gallery</h2>
        {status === 'ready' && (
          <p className="hint" data-testid="gallery-usage">
            {items.length === 1 ? '1 clip' : `${items.length} clips`} · {formatBytes(bytes)} on this device
          </p>
        )}
      </div>
      {undo && (
        <p className="notice undo" role="status">
          Deleted “{undo.item.entry.settings.prompt}”.{' '}
          <button type="button" onClick={() => void undoDelete()}>
            Undo
          </button>
        </p>
      )}
      {error && (
        <p className="notice" role="status" data-testid="gallery-error">
          {error}{' '}
          <button type="button" className="link" onClick={dismissGalleryError}>
            Close
          </button>
        </p>
      )}
      {status === 'loading' && <p className="hint">Opening the gallery…</p>}
      {status === 'ready' && items.length === 0 && <p className="hint">Clips you make are kept here, on this device, and work offline.</p>}
      <ul className="gallery-grid" aria-label="Gallery">
        {items.map((item) => (
          <GalleryCard key={item.entry.id} item={item} />
        ))}
      </ul>
    </section>
  );
}

function GalleryCard({ item }: { item: GalleryItem }) {
  const { entry, thumbnailUrl } = item;
  const canGenerate = useStore((s) => s.engineStatus === 'ready' && s.status !== 'running');
  const showing = useStore((s) => s.result?.id === entry.id);
  const prompt = entry.settings.prompt;
  const play = async () => {
    await playClip(entry.id);
    document.querySelector('.result')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  return (
    <li className="gallery-card" data-clip-id={entry.id} aria-current={showing || undefined}>
      <button type="button" className="thumb" onClick={() => void play()} aria-label={`Play: ${prompt}`}>
        {thumbnailUrl ? <img src={thumbnailUrl} alt="" /> : <span className="no-thumb">{entry.kind === 'video' ? '▶' : '□'}</span>}
        <span className="length">{lengthText(entry)}</span>
      </button>
      <p className="card-prompt" title={prompt}>
        {prompt}
      </p>
      <p className="hint">
        Seed {entry.settings.seed} · <time dateTime={entry.createdAt}>{new Date(entry.createdAt).toLocaleString()}</time>
      </p>
      <div className="card-actions">
        {entry.storyboard ? (
          <button type="button" onClick={() => openStoredBoard(entry.storyboard)} aria-label={`Open the storyboard: ${prompt}`}>
            Open the storyboard
          </button>
        ) : (
          <button type="button" onClick={() => generateAgain(entry.settings)} disabled={!canGenerate} aria-label={`Generate again: ${prompt}`}>
            Generate again
          </button>
        )}
        <button type="button" onClick={() => void deleteClip(entry.id)} aria-label={`Delete: ${prompt}`}>
          Delete
        </button>
      </div>
    </li>
  );
}

function lengthText(entry: GalleryEntry): string {
  return entry.kind === 'image' ? 'Image' : `${(entry.frames / entry.fps).toFixed(1)} s`;
}
