/**
 * A local HTTP server for the cache's end-to-end tests. It serves model packs from folders and can
 * misbehave on purpose, per request, the ways real servers do: cut the connection at a chosen
 * byte, answer an HTML page with status 200 instead of a file, serve flipped bytes, throttle, ignore
 * Range requests, or leave out CORS headers.
 *
 * Faults are set per request by query string (`?cut=1000&throttle=50000`) or for later requests
 * through the control endpoint (`POST /__control/faults` with a JSON list, each fault applying to
 * paths containing `path` for `times` requests). `GET /__control/log` lists what was served.
 * It listens on 127.0.0.1 only; `http://localhost:PORT` is the same server under another origin,
 * for cross-origin (CORS) tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { open, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** Applies to request paths that contain this (e.g. "dit.onnx"); all paths when omitted. */
  readonly path?: string;
  /** Destroy the connection once the file's byte at this offset would be sent. */
  readonly cutAt?: number;
  /** Answer `200 text/html` with a page instead of the file (`octet`: same page labelled as binary). */
  readonly html?: true | 'octet';
  /** XOR this byte offset of the file with 0xff. */
  readonly flipAt?: number;
  /** Send at most this many bytes per second. */
  readonly throttle?: number;
  /** Ignore Range headers: always 200 with the whole file, no Accept-Ranges. */
  readonly noRange?: boolean;
  /** Leave out CORS headers (a cross-origin page then cannot read the answer). */
  readonly noCors?: boolean;
  /** Answer this HTTP status with an empty body. */
  readonly status?: number;
  /** How many matching requests this fault applies to (default: all). */
  readonly times?: number;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | null;
  readonly status: number;
  /** Offset in the file of the first byte sent, and how many were sent before the end or a cut. */
  readonly start: number;
  readonly sent: number;
  readonly faults: readonly string[];
}

export interface PackServerOptions {
  /** URL prefix → folder, e.g. { '/models/': 'public/models' }. */
  readonly roots: Readonly<Record<string, string>>;
  /** Extra routes answered before files (the harness page and its script). */
  readonly routes?: Readonly<Record<string, () => Promise<{ body: string | Uint8Array; type: string }>>>;
  readonly port?: number;
}

export interface PackServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** http://localhost:PORT: the same server as another origin. */
  readonly otherOrigin: string;
  readonly log: LoggedRequest[];
  setFaults(faults: readonly Fault[]): void;
  reset(): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

const HTML_PAGE = '<!doctype html>\n<html><head><title>App</title></head><body><div id="root"></div></body></html>\n';

/** Starts the server; resolves once it listens. */
export async function startPackServer(options: PackServerOptions): Promise<PackServer> {
  let faults: { fault: Fault; left: number }[] = [];
  const log: LoggedRequest[] = [];

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/__control/')) return control(req, res, url.pathname);
    const route = options.routes?.[url.pathname];
    if (route) {
      const { body, type } = await route();
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...isolationHeaders() });
      res.end(body);
      return;
    }
    const candidates = matchingFaults(url);
    const cors = !candidates.some(({ fault }) => fault.noCors);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors ? corsHeaders() : {}).end();
      return;
    }
    const entry = { method: req.method ?? 'GET', path: url.pathname, range: req.headers.range ?? null, status: 0, start: 0, sent: 0, faults: [] as string[] };
    log.push(entry);
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(cors ? corsHeaders() : {}), 'Cross-Origin-Resource-Policy': 'cross-origin' };
    const file = resolveFile(url.pathname);
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) {
      entry.status = 404;
      res.writeHead(404, headers).end('not found');
      return;
    }
    // Faults without a position apply to any matching request; cutAt / flipAt only to a request whose range holds them.
    const size = info.size;
    const noRange = candidates.some(({ fault }) => fault.noRange);
    let start = 0;
    let end = size - 1;
    let code = 200;
    const range = req.headers.range;
    if (range && !noRange) {
      const match = /^bytes=(\d*)-(\d*)$/.exec(range);
      if (match && (match[1] || match[2])) {
        start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
        end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
        code = 206;
      }
    }
    const inRange = (at: number | undefined) => at === undefined || (at >= start && at <= end);
    const active = candidates.filter(({ fault }) => inRange(fault.cutAt) && inRange(fault.flipAt));
    for (const item of active) item.left--;
    const applied = active.map(({ fault }) => fault);
    entry.faults = applied.map(faultName);
    const status = applied.find((f) => f.status !== undefined)?.status;
    if (status !== undefined) {
      entry.status = status;
      res.writeHead(status, headers).end();
      return;
    }
    const html = applied.find((f) => f.html)?.html;
    if (html) {
      const body = Buffer.from(HTML_PAGE);
      entry.status = 200;
      entry.sent = body.length;
      res.writeHead(200, { ...headers, 'Content-Type': html === 'octet' ? 'application/octet-stream' : 'text/html; charset=utf-8', 'Content-Length': String(body.length) });
      res.end(body);
      return;
    }
    if (code === 206 && start >= size) {
      entry.status = 416;
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    if (code === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    if (!noRange) headers['Accept-Ranges'] = 'bytes';
    headers['Content-Type'] = TYPES[extname(file)] ?? 'application/octet-stream';
    headers['Content-Length'] = String(end - start + 1);
    entry.status = code;
    entry.start = start;
    res.writeHead(code, headers);
    if (req.method === 'HEAD') return void res.end();
    const body = await readRange(file, start, end - start + 1);
    const flip = applied.find((f) => f.flipAt !== undefined)?.flipAt;
    if (flip !== undefined) body[flip - start]! ^= 0xff;
    const cut = applied.find((f) => f.cutAt !== undefined)?.cutAt;
    const limit = cut !== undefined ? cut - start : body.length;
    const throttle = applied.find((f) => f.throttle !== undefined)?.throttle;
    await send(res, body.subarray(0, limit), throttle, (n) => (entry.sent = n));
    if (limit < body.length) res.destroy();
    else res.end();
  }

  async function send(res: ServerResponse, bytes: Uint8Array, throttle: number | undefined, onSent: (n: number) => void): Promise<void> {
    const slice = throttle ? Math.max(1024, Math.floor(throttle / 20)) : 256 * 1024;
    for (let offset = 0; offset < bytes.length; offset += slice) {
      if (res.destroyed) return;
      const part = bytes.subarray(offset, offset + slice);
      const flushed = res.write(part);
      onSent(offset + part.length);
      if (throttle) await delay((part.length / throttle) * 1000);
      else if (!flushed) await new Promise((resolve) => res.once('drain', resolve));
    }
    // Let the bytes leave before a cut, so the client really receives them.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Faults that match this request's path and are not used up (query-string faults always match). */
  function matchingFaults(url: URL): { fault: Fault; left: number }[] {
    const fromQuery = queryFault(url.searchParams);
    const matching = faults.filter(({ fault, left }) => left > 0 && (fault.path === undefined || url.pathname.includes(fault.path)));
    return fromQuery ? [{ fault: fromQuery, left: Number.POSITIVE_INFINITY }, ...matching] : matching;
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const json = (value: unknown) => res.writeHead(200, { 'Content-Type': 'application/json', ...corsHeaders() }).end(JSON.stringify(value));
    if (path === '/__control/log') return void json(log);
    if (path === '/__control/reset') return (api.reset(), void json({ ok: true }));
    if (path === '/__control/faults') {
      let text = '';
      for await (const part of req) text += String(part);
      api.setFaults(JSON.parse(text || '[]') as Fault[]);
      return void json({ ok: true });
    }
    res.writeHead(404).end();
  }

  function resolveFile(pathname: string): string | null {
    for (const [prefix, folder] of Object.entries(options.roots)) {
      if (!pathname.startsWith(prefix)) continue;
      const relative = decodeURIComponent(pathname.slice(prefix.length));
      const full = normalize(join(folder, relative));
      if (!full.startsWith(normalize(folder) + sep)) return null;
      return full;
    }
    return null;
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const api: PackServer = {
    url: `http://127.0.0.1:${port}`,
    otherOrigin: `http://localhost:${port}`,
    log,
    setFaults(list) {
      faults = list.map((fault) => ({ fault, left: fault.times ?? Number.POSITIVE_INFINITY }));
    },
    reset() {
      faults = [];
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}

function queryFault(params: URLSearchParams): Fault | null {
  const fault: { -readonly [K in keyof Fault]: Fault[K] } = {};
  const number = (key: string) => (params.has(key) ? Number(params.get(key)) : undefined);
  if (params.has('cut')) fault.cutAt = number('cut')!;
  if (params.has('flip')) fault.flipAt = number('flip')!;
  if (params.has('throttle')) fault.throttle = number('throttle')!;
  if (params.has('status')) fault.status = number('status')!;
  if (params.has('html')) fault.html = params.get('html') === 'octet' ? 'octet' : true;
  if (params.has('norange')) fault.noRange = true;
  if (params.has('nocors')) fault.noCors = true;
  return Object.keys(fault).length > 0 ? fault : null;
}

function faultName(fault: Fault): string {
  return Object.entries(fault)
    .filter(([key]) => key !== 'times')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
}

function corsHeaders(): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'Range',
    'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges',
  };
}

/** What the app sends (vite.config.ts), so the harness runs cross-origin isolated like the app. */
function isolationHeaders(): Record<string, string> {
  return { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
}

/** Reads `length` bytes at `start` without reading the whole file (packs may be large). */
async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, start);
    return buffer;
  } finally {
    await handle.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
