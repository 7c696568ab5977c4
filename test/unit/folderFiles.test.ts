/**
 * The browser's ways of handing over a folder (src/ui/folderFiles.ts), on stand-ins shaped like
 * the File System Access handles and the older FileSystemEntry API: every file under the folder
 * with its path, nested folders walked, a file where a folder was expected refused with its name.
 * The file input and a real drop event run in Chromium in test/e2e/packFolder.e2e.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { folderFromDrop, hasDirectoryPicker, pickFolder } from '../../src/ui/folderFiles';

type Tree = { readonly [name: string]: string | Tree };

/** A directory handle over `tree` (strings are file contents). */
function handle(name: string, tree: Tree): unknown {
  return {
    kind: 'directory',
    name,
    async *values() {
      for (const [child, value] of Object.entries(tree)) {
        if (typeof value === 'string') yield { kind: 'file', name: child, getFile: async () => new File([value], child) };
        else yield handle(child, value);
      }
    },
  };
}

/** A FileSystemDirectoryEntry over `tree`, answering readEntries in batches of two as Chromium does in hundreds. */
function entry(name: string, tree: Tree): unknown {
  return {
    isDirectory: true,
    isFile: false,
    name,
    createReader() {
      const children = Object.entries(tree).map(([child, value]) =>
        typeof value === 'string'
          ? { isFile: true, isDirectory: false, name: child, file: (ok: (f: File) => void) => ok(new File([value], child)) }
          : entry(child, value),
      );
      let at = 0;
      return { readEntries: (ok: (batch: unknown[]) => void) => ok(children.slice(at, (at += 2))) };
    },
  };
}

const PACK: Tree = { 'manifest.json': '{}', 'dit.onnx': 'gg', weights: { 'dit.onnx.data.0': 'data' }, 'README.md': 'hi' };

const listed = async (folder: { name: string; files: readonly { path: string; blob: Blob }[] } | null) =>
  folder && { name: folder.name, files: await Promise.all(folder.files.map(async (f) => `${f.path}=${await f.blob.text()}`)) };

afterEach(() => {
  delete (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker;
});

describe('a folder from the directory picker', () => {
  it('lists every file under the chosen folder with its relative path', async () => {
    expect(hasDirectoryPicker()).toBe(false);
    (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker = async () => handle('my-pack', PACK);
    expect(hasDirectoryPicker()).toBe(true);
    expect(await listed(await pickFolder())).toEqual({ name: 'my-pack', files: ['manifest.json={}', 'dit.onnx=gg', 'weights/dit.onnx.data.0=data', 'README.md=hi'] });
  });

  it('gives null when the picker is closed, and passes other failures on', async () => {
    (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker = async () => {
      throw Object.assign(new Error('closed'), { name: 'AbortError' });
    };
    expect(await pickFolder()).toBeNull();
    (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker = async () => {
      throw Object.assign(new Error('not allowed'), { name: 'SecurityError' });
    };
    await expect(pickFolder()).rejects.toMatchObject({ name: 'SecurityError' });
  });
});

describe('a dropped folder', () => {
  const transfer = (item: object) => ({ items: [{ kind: 'file', getAsFile: () => null, ...item }] }) as unknown as DataTransfer;

  it('is walked through its handle where the browser gives one', async () => {
    const folder = folderFromDrop(transfer({ getAsFileSystemHandle: async () => handle('my-pack', PACK) }));
    expect(await listed(await folder)).toEqual({ name: 'my-pack', files: ['manifest.json={}', 'dit.onnx=gg', 'weights/dit.onnx.data.0=data', 'README.md=hi'] });
  });

  it('is walked through webkitGetAsEntry otherwise, reading every batch of entries', async () => {
    const folder = folderFromDrop(transfer({ webkitGetAsEntry: () => entry('my-pack', PACK) }));
    expect(await listed(await folder)).toEqual({ name: 'my-pack', files: ['manifest.json={}', 'dit.onnx=gg', 'weights/dit.onnx.data.0=data', 'README.md=hi'] });
  });

  it('refuses a dropped file, naming it, and ignores a drop with no file', async () => {
    const file = { kind: 'file', name: 'dit.onnx', getFile: async () => new File(['x'], 'dit.onnx') };
    await expect(folderFromDrop(transfer({ getAsFileSystemHandle: async () => file }))).rejects.toThrow('"dit.onnx" is a file: drop the pack\'s folder');
    await expect(folderFromDrop(transfer({ webkitGetAsEntry: () => ({ isDirectory: false, name: 'dit.onnx' }) }))).rejects.toThrow('"dit.onnx" is a file');
    expect(folderFromDrop({ items: [{ kind: 'string' }] } as unknown as DataTransfer)).toBeNull();
  });

  it('refuses a folder with more files than any pack holds', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 2001; i++) many[`f${i}.bin`] = '';
    await expect(folderFromDrop(transfer({ getAsFileSystemHandle: async () => handle('home', many) }))).rejects.toMatchObject({
      name: 'FolderReadError',
      message: 'The folder "home" holds more than 2000 files, so it is not a model pack. Choose the folder that holds the pack\'s manifest.json.',
    });
  });
});
