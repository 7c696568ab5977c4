/**
 * A `fetch` over the files of an opened pack folder, answering Range requests from `Blob.slice`,
 * so a folder is copied into the cache by the downloader itself: the same chunks, the same sha256
 * check per chunk and per file, the same records and the same resume. A slice is read only when
 * its body is, one chunk at a time: a multi-GB file is never held whole in memory. No request
 * leaves the page.
 */
import type { Fetch } from './http';
import type { FolderFile } from './packFolder';

const RANGE = /^bytes=(\d+)-(\d+)?$/;

/** Serves `files` (by URL) as a static server with Range support would. */
export function folderFetch(files: ReadonlyMap<string, FolderFile>): Fetch {
  return async (input, init) => {
    init?.signal?.throwIfAborted();
    const url = input instanceof Request ? input.url : String(input);
    const file = files.get(url);
    if (!file) return new Response(null, { status: 404 });
    const { blob } = file;
    const range = new Headers(init?.headers).get('range');
    const match = range === null ? null : RANGE.exec(range);
    if (!match) return new Response(blob.slice(0, blob.size, 'application/octet-stream'), { status: 200, headers: { 'content-length': String(blob.size) } });
    const start = Number(match[1]);
    const end = Math.min(match[2] === undefined ? blob.size - 1 : Number(match[2]), blob.size - 1);
    if (start > end) return new Response(null, { status: 416, headers: { 'content-range': `bytes */${blob.size}` } });
    return new Response(blob.slice(start, end + 1, 'application/octet-stream'), {
      status: 206,
      headers: { 'content-range': `bytes ${start}-${end}/${blob.size}`, 'content-length': String(end - start + 1) },
    });
  };
}
