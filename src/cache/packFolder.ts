/**
 * A model pack opened from a folder on disk (the Models panel's "Open pack folder"): finds its
 * manifest.json, parses it with the same strict parser as a download, and matches the folder's
 * files against it by path and size before a byte is copied. Pure: it works on `{ path, blob }`
 * pairs, so the page's picker, a drop and the unit tests all feed it the same way (the DOM side is
 * src/ui/folderFiles.ts). The copy itself is the downloader's, over these blobs (folderFetch.ts).
 */
import { parseManifest, type ManifestFile } from '../models/manifest';
import { formatBytes } from '../lib/formatBytes';
import { CacheError, DownloadError, IntegrityError, PackFolderError } from './errors';
import { MAX_MANIFEST_BYTES, parseFetchedManifest, type FetchedManifest } from './manifestFetch';

/** One file of an opened folder; `path` is relative to the folder, with "/" between names. */
export interface FolderFile {
  readonly path: string;
  readonly blob: Blob;
}

/** What the person opened: the folder's own name (for messages) and every file below it. */
export interface OpenedFolder {
  readonly name: string;
  readonly files: readonly FolderFile[];
}

/** A folder whose files are exactly its manifest's, ready to copy. */
export interface PackFolder {
  /** The folder's own name, for messages. */
  readonly folderName: string;
  /** The manifest, resolved against the pack's folder source URL (folderSourceUrl). */
  readonly fetched: FetchedManifest;
  /** Each manifest file's bytes, by the file's resolved URL (what the downloader asks for). */
  readonly blobs: ReadonlyMap<string, FolderFile>;
}

/**
 * Packs opened from a folder are recorded under this origin. `.invalid` is reserved (RFC 6761) and
 * never resolves, so a folder pack's files can never be fetched from anywhere by mistake; the store
 * refuses to resume such a pack from the network and asks for the folder again instead.
 */
export const FOLDER_SOURCE_ORIGIN = 'https://pack-folder.invalid';

/** The source URL recorded for a pack opened from a folder. */
export function folderSourceUrl(packName: string): string {
  return `${FOLDER_SOURCE_ORIGIN}/${encodeURIComponent(packName)}/manifest.json`;
}

/** True for a pack that was opened from a folder rather than downloaded. */
export function isFolderSource(sourceUrl: string): boolean {
  return sourceUrl.startsWith(`${FOLDER_SOURCE_ORIGIN}/`);
}

/**
 * Files a pack folder may hold beyond its manifest's: documentation and the files operating
 * systems leave in folders. Anything else unlisted (a stray shard, a second graph) means the
 * manifest does not describe this folder, and is refused.
 */
const IGNORED_FILE = /(^|\/)(\.[^/]*|README[^/]*|LICENSE[^/]*|NOTICE[^/]*|[^/]*\.md|[^/]*\.txt|Thumbs\.db|desktop\.ini)$/i;

const MANIFEST = 'manifest.json';

/**
 * Reads and checks an opened folder: its manifest.json (at the top, or in the one subfolder that
 * holds a pack when the person chose the folder above it), every file the manifest lists present
 * with the listed size, and nothing else of substance.
 * @throws PackFolderError (`no-manifest`, `not-json`, `folder-mismatch`), ManifestError (a malformed
 *   manifest, naming the field path)
 */
export async function readPackFolder(folder: OpenedFolder): Promise<PackFolder> {
  const files = packFiles(folder);
  const manifestFile = files.find((f) => f.path === MANIFEST)!;
  const json = await readManifestJson(manifestFile.blob, folder.name);
  // The name comes from the manifest; parsing it once without a base gives the ManifestError first.
  const { name } = parseManifest(json);
  const url = folderSourceUrl(name);
  const manifest = parseFetchedManifest(json, url);
  const { matched, problems } = matchFolderFiles(manifest.files, files);
  if (problems.length > 0) {
    throw new PackFolderError('folder-mismatch', `The folder "${folder.name}" does not hold the pack its manifest.json describes. ${problems.join(' ')}`, problems);
  }
  const blobs = new Map(manifest.files.map((file, i) => [file.url!, matched[i]!] as const));
  return { folderName: folder.name, fetched: { manifest, json, url }, blobs };
}

/**
 * The folder's files with paths relative to the pack: the folder itself when manifest.json is at
 * its top, else the one subfolder that has it (someone chose the folder above the pack).
 */
function packFiles(folder: OpenedFolder): FolderFile[] {
  if (folder.files.some((f) => f.path === MANIFEST)) return [...folder.files];
  const below = folder.files.filter((f) => /^[^/]+\/manifest\.json$/.test(f.path)).map((f) => f.path.slice(0, -MANIFEST.length));
  if (below.length === 1) {
    const prefix = below[0]!;
    return folder.files.filter((f) => f.path.startsWith(prefix)).map((f) => ({ path: f.path.slice(prefix.length), blob: f.blob }));
  }
  const what = folder.files.length === 0 ? 'it is empty' : below.length > 1 ? `it holds several packs (${below.map((p) => p.slice(0, -1)).join(', ')}); open one of them` : `it holds ${listSome(folder.files.map((f) => f.path))}`;
  throw new PackFolderError('no-manifest', `The folder "${folder.name}" has no manifest.json, so it is not a model pack: ${what}. Choose the folder that holds the pack's manifest.json.`);
}

async function readManifestJson(blob: Blob, folderName: string): Promise<unknown> {
  if (blob.size > MAX_MANIFEST_BYTES) {
    throw new PackFolderError('not-json', `manifest.json in "${folderName}" is ${formatBytes(blob.size)}; manifests are refused above ${formatBytes(MAX_MANIFEST_BYTES)}.`);
  }
  const text = await blob.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PackFolderError('not-json', `manifest.json in "${folderName}" is not valid JSON (${(error as Error).message}).`, [], { cause: error });
  }
}

/**
 * Pairs each manifest file with the folder's file of the same path and size. `problems` names each
 * missing file, each file of the wrong size (with both sizes) and each unlisted file that is not
 * documentation or hidden; `matched[i]` is manifest file i's folder file where it was found at the
 * right size.
 */
export function matchFolderFiles(
  listed: readonly Pick<ManifestFile, 'path' | 'bytes'>[],
  files: readonly FolderFile[],
): { matched: (FolderFile | undefined)[]; problems: string[] } {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const problems: string[] = [];
  const matched = listed.map((file) => {
    const found = byPath.get(file.path);
    if (!found) {
      problems.push(`${file.path} is missing: manifest.json lists it (${exactBytes(file.bytes)}).`);
      return undefined;
    }
    if (found.blob.size !== file.bytes) {
      problems.push(`${file.path} is ${exactBytes(found.blob.size)} but manifest.json lists ${exactBytes(file.bytes)}: a cut copy, or a file from another version of the pack.`);
      return undefined;
    }
    return found;
  });
  const listedPaths = new Set(listed.map((f) => f.path));
  for (const file of files) {
    if (file.path === MANIFEST || listedPaths.has(file.path) || IGNORED_FILE.test(file.path)) continue;
    problems.push(`${file.path} is in the folder but not in manifest.json: the manifest was not written for these files (remove the file, or use the manifest converted with it).`);
  }
  return { matched, problems };
}

/**
 * A failure of the copy, worded for a folder: the downloader words its errors for a server ("press
 * Resume", "the server's file"), which would send the person looking in the wrong place.
 */
export function folderCopyError(error: unknown, folder: PackFolder): unknown {
  const pack = folder.fetched.manifest.name;
  const where = `the folder "${folder.folderName}"`;
  if (error instanceof IntegrityError) {
    // A file without chunk hashes that fits in one chunk is checked against its whole sha256.
    const listed = folder.fetched.manifest.files.find((f) => f.path === error.file);
    const whole = error.chunk === null || (listed?.chunks === undefined && error.expected === listed?.sha256);
    const what =
      whole
        ? `its sha256 is ${error.actual} but manifest.json says ${error.expected}`
        : `chunk ${error.chunk} hashes to ${error.actual} but manifest.json says ${error.expected}`;
    return new IntegrityError(
      `${error.file} in ${where} does not match manifest.json: ${what}. The file is damaged or belongs to another version of the pack; "${pack}" cannot be used until a good copy of the folder is opened.`,
      error.file,
      error.expected,
      error.actual,
      error.chunk,
    );
  }
  if (error instanceof DownloadError && error.code === 'aborted') {
    return new CacheError('aborted', `Copying "${pack}" from ${where} was cancelled; the verified part is kept. Open the folder again to finish.`, { cause: error });
  }
  if (error instanceof DownloadError) {
    const path = folder.blobs.get(error.url)?.path ?? error.url;
    if (error.code === 'html-instead-of-file') {
      return new PackFolderError('unreadable', `${path} in ${where} is an HTML or XML page, not a model file: the file was replaced or saved from a web page by mistake.`, [], { cause: error });
    }
    return new PackFolderError('unreadable', `Could not read ${path} from ${where}: it changed, moved or became unreadable while it was copied. Open the folder again.`, [], { cause: error });
  }
  return error;
}

/** "1,234,567 bytes (1.23 MB)": exact, so two near sizes never read the same. */
function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes (${formatBytes(bytes)})`;
}

function listSome(paths: readonly string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}
