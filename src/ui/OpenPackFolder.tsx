/**
 * "Open pack folder": a pack converted on this computer goes into the cache without a server. The
 * button opens the system's folder picker where the browser has one, else the folder input; a
 * folder dropped on the Models panel does the same (useFolderDrop). Reading, checking and copying
 * are the cache client's (ModelsController.openFolder); this file only hands it the folder.
 */
import { useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import type { ModelsController, ModelsError } from '../cache/modelsController';
import type { OpenedFolder } from '../cache/packFolder';
import { folderFromDrop, folderFromFileList, hasDirectoryPicker, pickFolder } from './folderFiles';

interface OpenPackFolderProps {
  readonly controller: ModelsController;
  readonly opening: boolean;
  readonly error: ModelsError | null;
}

export function OpenPackFolder({ controller, opening, error }: OpenPackFolderProps) {
  const input = useRef<HTMLInputElement>(null);
  const choose = () => {
    if (!hasDirectoryPicker()) return input.current?.click();
    void open(controller, pickFolder());
  };
  const onInput = (event: ChangeEvent<HTMLInputElement>) => {
    const folder = event.target.files ? folderFromFileList(event.target.files) : null;
    // The same folder chosen again must fire `change` again (to finish an interrupted copy).
    event.target.value = '';
    if (folder) void open(controller, Promise.resolve(folder));
  };
  return (
    <div className="models-folder">
      <div className="models-add-row">
        <button type="button" onClick={choose} disabled={opening} aria-describedby={error ? 'pack-folder-error' : 'pack-folder-hint'}>
          {opening ? 'Checking the folder…' : 'Open pack folder…'}
        </button>
        {/* The fallback where there is no folder picker; hidden, but a real control that tests and assistive tools can reach. */}
        <input ref={input} type="file" className="visually-hidden" aria-label="Pack folder" onChange={onInput} {...{ webkitdirectory: '' }} tabIndex={-1} />
      </div>
      {error ? (
        <p id="pack-folder-error" className="models-error" aria-live="assertive" data-code={error.code} data-testid="pack-folder-error">
          {error.message}
        </p>
      ) : (
        <p id="pack-folder-hint" className="hint">
          A pack made on this computer (for example by <code>npm run convert</code>): choose or drop the folder that holds its manifest.json. Every file is checked against
          the manifest and copied into this browser.
        </p>
      )}
    </div>
  );
}

/**
 * Drop handlers for the panel: a folder dropped anywhere on it is opened as a pack. `dragging` is
 * true while a drag with files is over it, for the outline.
 */
export function useFolderDrop(controller: ModelsController) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  return {
    dragging,
    onDragOver: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    },
    onDragLeave: (event: DragEvent) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      const folder = folderFromDrop(event.dataTransfer);
      if (folder) void open(controller, folder);
    },
  };
}

/** Hands a folder being read to the controller; a folder that could not be read shows its reason. */
async function open(controller: ModelsController, reading: Promise<OpenedFolder | null>): Promise<void> {
  let folder: OpenedFolder | null;
  try {
    folder = await reading;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    controller.folderRefused({ code: typeof e.code === 'string' ? e.code : 'unreadable', message: `Could not open the folder: ${String(e.message ?? error)}` });
    return;
  }
  if (folder) await controller.openFolder(folder);
}
