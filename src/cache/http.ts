/**
 * The HTTP side of downloads: which URLs are allowed, what a failed fetch means in words a person
 * can act on, recognising an HTML page served in place of a model file, and reading a body into a
 * buffer with progress and with a cut connection told apart from a complete answer.
 */
import { DownloadError } from './errors';

export type Fetch = typeof fetch;

/** Only http(s) URLs, without credentials; relative URLs resolve against the page. */
export function checkHttpUrl(input: string, base?: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim(), base ?? pageUrl());
  } catch {
    throw new DownloadError('invalid-url', `"${input}" is not a URL. Enter the address of a model pack's manifest.json, starting with https://.`, input);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DownloadError('invalid-url', `Only http:// and https:// URLs can be used for model packs; got ${url.protocol}//.`, input);
  }
  if (url.username || url.password) {
    throw new DownloadError('invalid-url', 'Model pack URLs must not contain a user name or password.', input);
  }
  const page = pageUrl();
  if (page !== undefined && url.protocol === 'http:' && !PLAIN_HTTP_HOSTS.has(url.hostname) && url.origin !== new URL(page).origin) {
    throw new DownloadError(
      'invalid-url',
      `${url.host} is plain http://; the app loads packs over http:// only from this computer (localhost, 127.0.0.1). Use the pack's https:// address.`,
      input,
    );
  }
  return url;
}

/**
 * Hosts a page may fetch packs from over plain http: the page's Content-Security-Policy
 * (`connect-src` in src/pwa/securityHeaders.ts) allows these and its own origin, so any other
 * http:// address would fail as a bare network error; saying why up front is the useful answer.
 */
const PLAIN_HTTP_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1']);

/** The manifest URL for what a person typed: a manifest.json URL, or the pack's folder. */
export function manifestUrlFor(input: string, base?: string): string {
  const url = checkHttpUrl(input, base);
  if (!url.pathname.endsWith('.json')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/manifest.json`;
  return url.href;
}

function pageUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

function isCrossOrigin(url: string): boolean {
  const page = pageUrl();
  return page !== undefined && new URL(url).origin !== new URL(page).origin;
}

/**
 * Words for a fetch that rejected (TypeError): offline, unreachable, or refused by CORS (a browser
 * cannot tell a closed port from a CORS refusal). `retry` is the next step in the words of the
 * control the UI offers where the message shows ("press Resume" on a pack's row, "press Add again"
 * by the URL field), so the message never names a button that is not there.
 */
export function explainFetchFailure(url: string, what: string, retry: string): string {
  if ((globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false) {
    return `Could not download ${what}: this device is offline. Reconnect and ${retry}; installed packs keep working offline.`;
  }
  if (isCrossOrigin(url)) {
    const origin = new URL(url).origin;
    return (
      `Could not download ${what} from ${origin}: the server is unreachable, or it does not let other sites read its files (CORS). ` +
      'If the URL opens in a browser tab, the server must send "Access-Control-Allow-Origin" (and expose Content-Range for resumable downloads). ' +
      `Otherwise check the address and your connection, then ${retry}.`
    );
  }
  return `Could not download ${what}: the connection failed (${new URL(url).host}). Check your connection and ${retry}.`;
}

/** Words for an HTTP error status. */
export function explainStatus(status: number, url: string, what: string): string {
  if (status === 404) return `${what} was not found at ${url} (HTTP 404). The pack on the server is missing a file its manifest lists.`;
  if (status === 401 || status === 403) return `The server refused ${what} (HTTP ${status}); the pack may be private or moved.`;
  if (status === 416) return `The server has fewer bytes of ${what} than the manifest lists (HTTP 416): the file on the server is not the one the manifest describes.`;
  if (status >= 500) return `The server failed to send ${what} (HTTP ${status}). Try again later; finished chunks are kept.`;
  return `The server answered HTTP ${status} for ${what} at ${url}.`;
}

/** True when an HTTP status is worth retrying after a pause. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A content type that announces an HTML page. */
export function isHtmlContentType(contentType: string | null): boolean {
  return contentType !== null && /^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType);
}

/**
 * True when bytes look like the start of an HTML or XML document (optional BOM and whitespace,
 * then "<" and a tag or declaration), which no ONNX protobuf begins with.
 */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] !== 0x3c) return false;
  const next = bytes[i + 1];
  if (next === undefined) return true;
  // "<!doctype", "<?xml", "<!--", or a tag name.
  return next === 0x21 || next === 0x3f || (next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a);
}

/** The HTML-instead-of-a-model-file error, worded for the usual cause. */
export function htmlError(url: string, what: string): DownloadError {
  return new DownloadError(
    'html-instead-of-file',
    `The server answered an HTML page instead of ${what} (${url}). The file is probably missing there: many servers answer a page such as index.html for unknown paths. Check the pack's URL.`,
    url,
  );
}

/** A body that ended before its length: the connection was cut. */
export class TruncatedBody extends Error {
  override readonly name = 'TruncatedBody';

  constructor(readonly received: number) {
    super(`connection closed after ${received} bytes`);
  }
}

/**
 * The next part of a body. An abort passes through as it is; any other stream error means the
 * connection was cut, and `cut()` builds the error for that.
 */
export async function readBodyPart(reader: ReadableStreamDefaultReader<Uint8Array>, cut: () => Error): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    throw cut();
  }
}

/**
 * Reads a response body into `target` starting at `offset`, calling `onBytes(total)` as bytes
 * arrive. Returns the number of bytes read; throws TruncatedBody when the stream breaks, and
 * returns `target.length - offset + 1` (one past the room) as soon as the body overflows.
 */
export async function readBodyInto(response: Response, target: Uint8Array, offset: number, onBytes: (received: number) => void): Promise<number> {
  if (!response.body) throw new TruncatedBody(0);
  const reader = response.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const part = await readBodyPart(reader, () => new TruncatedBody(received));
      if (part.done) return received;
      const room = target.length - offset - received;
      if (part.value.length > room) {
        await reader.cancel().catch(() => undefined);
        return received + room + 1;
      }
      target.set(part.value, offset + received);
      received += part.value.length;
      onBytes(received);
    }
  } finally {
    reader.releaseLock();
  }
}
