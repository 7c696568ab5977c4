/** Fetching a pack's manifest.json by URL, with the same refusals and explanations as its files. */
import { parseManifest, type Manifest } from '../models/manifest';
import { DownloadError } from './errors';
import { checkHttpUrl, explainFetchFailure, explainStatus, isHtmlContentType, manifestUrlFor, type Fetch } from './http';

/** A manifest larger than this is refused unread (the largest legitimate one is a big vocabulary). */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

export interface FetchedManifest {
  readonly manifest: Manifest;
  /** The JSON as received, kept with the pack so it can be parsed again offline. */
  readonly json: unknown;
  /** Absolute URL of manifest.json. */
  readonly url: string;
}

/** The folder URL a manifest's file paths are relative to. */
function packBaseUrl(manifestUrl: string): string {
  return new URL('.', manifestUrl).href;
}

/**
 * Parses manifest JSON from `url` and resolves its files; every file URL must stay inside the
 * pack's folder and be http(s) (the parser already refuses paths that could leave it).
 * @throws ManifestError for a malformed manifest
 */
export function parseFetchedManifest(json: unknown, url: string): Manifest {
  const base = packBaseUrl(url);
  const manifest = parseManifest(json, base);
  for (const file of manifest.files) {
    const fileUrl = checkHttpUrl(file.url ?? '', base);
    if (!fileUrl.href.startsWith(base)) {
      throw new DownloadError('invalid-url', `${file.path} resolves to ${fileUrl.href}, outside the pack's folder ${base}.`, fileUrl.href);
    }
  }
  return manifest;
}

export interface FetchManifestOptions {
  readonly fetch?: Fetch;
  readonly signal?: AbortSignal;
  readonly base?: string;
  /**
   * The next step after a network failure, in the words of the control the UI offers where the
   * error shows (the Add form: "press Add again"); "try again" by default.
   */
  readonly retry?: string;
}

/**
 * Downloads and validates a manifest. `input` may be the manifest's URL or its folder's.
 * @throws DownloadError (URL, network, CORS, HTTP, HTML, not JSON) or ManifestError (malformed)
 */
export async function fetchManifest(input: string, options: FetchManifestOptions = {}): Promise<FetchedManifest> {
  const url = manifestUrlFor(input, options.base);
  const typed = checkHttpUrl(input, options.base).href;
  // Where the person gave a folder (or a page), errors name what they typed, not only the URL tried.
  const asked = typed === url ? null : typed;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(url, { cache: 'no-cache', signal: options.signal ?? null });
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw new DownloadError('aborted', 'Cancelled.', url, { cause: error });
    throw new DownloadError('fetch-failed', explainFetchFailure(url, 'the manifest', options.retry ?? 'try again'), url, { cause: error });
  }
  if (response.status === 404 || response.status === 410) {
    throw new DownloadError('http-status', noManifestMessage(url, asked, `answered HTTP ${response.status}`), url);
  }
  if (!response.ok) throw new DownloadError('http-status', explainStatus(response.status, url, 'the manifest'), url);
  if (isHtmlContentType(response.headers.get('content-type'))) {
    throw new DownloadError('html-instead-of-file', noManifestMessage(url, asked, 'answered a web page, as many servers do for every unknown address'), url);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_MANIFEST_BYTES) {
    throw new DownloadError('size-mismatch', `The manifest at ${url} is ${declared} bytes; manifests are refused above ${MAX_MANIFEST_BYTES}.`, url);
  }
  const text = await response.text();
  if (text.length > MAX_MANIFEST_BYTES) {
    throw new DownloadError('size-mismatch', `The manifest at ${url} is over ${MAX_MANIFEST_BYTES} bytes; refused.`, url);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const start = text.trimStart().slice(0, 1);
    const hint = start === '<' ? ' (it looks like an HTML page)' : '';
    throw new DownloadError('not-json', `${url} is not JSON${hint}; a model pack's manifest.json was expected.`, url);
  }
  return { manifest: parseFetchedManifest(json, url), json, url };
}

/**
 * No manifest where one was looked for. Not "a file its manifest lists is missing" (there is no
 * manifest yet): the address itself does not lead to a pack.
 */
function noManifestMessage(url: string, asked: string | null, answer: string): string {
  const fix = "Enter the address of a model pack's manifest.json, or of the folder that holds it.";
  if (asked === null) return `There is no model pack manifest at ${url}: the server ${answer}. ${fix}`;
  return `There is no model pack at ${asked}: asked for its manifest.json (${url}), the server ${answer}. ${fix}`;
}
