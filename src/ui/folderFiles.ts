/**
 * The browser's three ways of handing over a folder, turned into one OpenedFolder (paths relative
 * to the folder, each file a lazy File that is read only when copied): the directory picker
 * (`showDirectoryPicker`), the `<input type="file" webkitdirectory>` fallback, and a folder dropped
 * on the page (`getAsFileSystemHandle`, or `webkitGetAsEntry` where that is missing). Nothing here
 * reads a file's bytes or knows what a pack is: src/cache/packFolder.ts does.
 */
import type { FolderFile, OpenedFolder } from '../cache/packFolder';

/** More files than any pack holds (64 at most, plus documentation): a folder this big is not a pack. */
const MAX_FOLDER_FILES = 2000;
/** Packs are flat or one level deep; a deeper walk is a wrong folder (someone dropped their home folder). */
const MAX_DEPTH = 4;

/** A folder too large to be a pack, or nothing usable handed over; the message is for the person. */
export class FolderReadError extends Error {
  override name = 'FolderReadError';
  readonly code = 'no-manifest';
}

interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<FileHandleLike | DirectoryHandleLike>;
}

interface FileHandleLike {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}

type PickerWindow = { showDirectoryPicker?: (options?: { mode?: 'read' }) => Promise<DirectoryHandleLike> };

/** True where the page can open the system's folder picker (Chromium); elsewhere use the file input. */
export function hasDirectoryPicker(): boolean {
  return typeof (globalThis as PickerWindow).showDirectoryPicker === 'function';
}

/** Asks for a folder with the system picker; null when the person closed it. */
export async function pickFolder(): Promise<OpenedFolder | null> {
  let handle: DirectoryHandleLike;
  try {
    handle = await (globalThis as PickerWindow).showDirectoryPicker!({ mode: 'read' });
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') return null;
    throw error;
  }
  return folderFromHandle(handle);
}

/** The files an `<input webkitdirectory>` gave: their paths start with the chosen folder's name, which is dropped. */
export function folderFromFileList(list: FileList): OpenedFolder | null {
  const files = [...list];
  if (files.length === 0) return null;
  const top = files[0]!.webkitRelativePath.split('/')[0] ?? '';
  checkCount(files.length, top);
  return {
    name: top,
    files: files.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name, blob: file })),
  };
}

/**
 * The folder dropped in `transfer`, read while the drop event runs (a DataTransfer empties once
 * the handler returns, so the handle or entry is taken at once and walked afterwards). Null when
 * the drop held no folder.
 */
export function folderFromDrop(transfer: DataTransfer): Promise<OpenedFolder> | null {
  const item = [...transfer.items].find((i) => i.kind === 'file');
  if (!item) return null;
  const withHandle = item as DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileHandleLike | DirectoryHandleLike | null> };
  // Taken now, for the message: a dropped file's name (its handle may come back null).
  const fileName = item.getAsFile()?.name;
  if (typeof withHandle.getAsFileSystemHandle === 'function') {
    return withHandle.getAsFileSystemHandle().then((handle) => {
      if (handle?.kind !== 'directory') throw notAFolder(handle?.name ?? fileName);
      return folderFromHandle(handle);
    });
  }
  const entry = item.webkitGetAsEntry();
  if (!entry?.isDirectory) return Promise.reject(notAFolder(entry?.name ?? fileName));
  return folderFromEntry(entry as FileSystemDirectoryEntry);
}

async function folderFromHandle(root: DirectoryHandleLike): Promise<OpenedFolder> {
  const files: FolderFile[] = [];
  const walk = async (handle: DirectoryHandleLike, prefix: string, depth: number): Promise<void> => {
    for await (const child of handle.values()) {
      if (child.kind === 'file') {
        files.push({ path: prefix + child.name, blob: await child.getFile() });
        checkCount(files.length, root.name);
      } else if (depth < MAX_DEPTH) {
        await walk(child, `${prefix}${child.name}/`, depth + 1);
      }
    }
  };
  await walk(root, '', 0);
  return { name: root.name, files };
}

async function folderFromEntry(root: FileSystemDirectoryEntry): Promise<OpenedFolder> {
  const files: FolderFile[] = [];
  const walk = async (directory: FileSystemDirectoryEntry, prefix: string, depth: number): Promise<void> => {
    for (const child of await allEntries(directory)) {
      if (child.isFile) {
        files.push({ path: prefix + child.name, blob: await new Promise<File>((resolve, reject) => (child as FileSystemFileEntry).file(resolve, reject)) });
        checkCount(files.length, root.name);
      } else if (child.isDirectory && depth < MAX_DEPTH) {
        await walk(child as FileSystemDirectoryEntry, `${prefix}${child.name}/`, depth + 1);
      }
    }
  };
  await walk(root, '', 0);
  return { name: root.name, files };
}

/** A directory reader answers in batches (100 in Chromium) until an empty one. */
async function allEntries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return entries;
    entries.push(...batch);
  }
}

function checkCount(count: number, folder: string): void {
  if (count > MAX_FOLDER_FILES) {
    throw new FolderReadError(`The folder "${folder}" holds more than ${MAX_FOLDER_FILES} files, so it is not a model pack. Choose the folder that holds the pack's manifest.json.`);
  }
}

function notAFolder(name: string | undefined): FolderReadError {
  return new FolderReadError(`${name ? `"${name}" is a file` : 'That was not a folder'}: drop the pack's folder (the one that holds manifest.json), not a file from it.`);
}
