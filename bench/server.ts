/**
 * The benchmark's web server: the production build (dist/) with the cross-origin isolation headers
 * the app needs for multithreaded WASM and `measureUserAgentSpecificMemory`, model packs straight
 * from public/models (so a pack replaced after the build is the one measured), single-range
 * requests (the weight cache downloads in chunks), and a few in-memory routes (the cache harness).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface BenchServerOptions {
  /** The built app. */
  readonly dist: string;
  /** Served at /models/. */
  readonly models: string;
  /** Extra routes, path → body and type. */
  readonly routes?: Readonly<Record<string, { body: string | Uint8Array; type: string }>>;
  /** More folders, URL prefix ("/ort/") → folder. */
  readonly folders?: Readonly<Record<string, string>>;
}

export interface BenchServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const server = createServer((req, res) => {
    serve(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, ISOLATION);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(options: BenchServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = decodeURIComponent(url.pathname);
  // `?isolate=0` on the page: no COOP/COEP, so the page is not cross-origin isolated (one WASM thread).
  const isolation = url.searchParams.get('isolate') === '0' ? { 'Cache-Control': 'no-store' } : ISOLATION;
  const route = options.routes?.[path];
  if (route) {
    res.writeHead(200, { ...ISOLATION, 'Content-Type': route.type });
    res.end(route.body);
    return;
  }
  const folders: Record<string, string> = { ...options.folders, '/models/': options.models };
  const prefix = Object.keys(folders).find((p) => path.startsWith(p));
  const [root, rest] = prefix ? [folders[prefix]!, path.slice(prefix.length)] : [options.dist, path === '/' ? 'index.html' : path.slice(1)];
  const file = normalize(join(root, rest));
  if (!file.startsWith(normalize(root) + sep)) {
    res.writeHead(403, ISOLATION).end();
    return;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const bytes = await readFile(file);
  const headers = { ...isolation, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : bytes.length - 1, bytes.length - 1);
    if (start > end) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': end - start + 1 });
    res.end(bytes.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
