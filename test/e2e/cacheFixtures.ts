/**
 * Shared set-up of the cache's browser tests: the pack server with the harness page, test packs
 * built from tessera-tiny (the smallest shipped pack), and helpers that call the harness with a
 * time limit.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bundleHarness, HARNESS_HTML } from './server/harnessBundle';
import { startPackServer, type PackServer } from './server/packServer';
import type { CacheHarness } from './harness/harness';
import { formatBytes } from '../../src/lib/formatBytes';
import { BUILT_IN_PACK } from '../../src/state/packChoice';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tessera-tiny: the pack the test packs are copied from (no longer the app's built-in one). */
export const TINY_DIR = join(ROOT, 'public/models/tessera-tiny');
export const TINY_MANIFEST = JSON.parse(readFileSync(join(TINY_DIR, 'manifest.json'), 'utf8')) as PackJson;
/** tessera-tiny's size as the app and its errors write it ("12.1 MB"), and as a RegExp source. */
export const TINY_SIZE_TEXT = formatBytes(TINY_MANIFEST.requirements.totalBytes);
export const TINY_SIZE_PATTERN = TINY_SIZE_TEXT.replace('.', '\\.');
/** The pack the app starts on (src/state/packChoice.ts), as the app serves it. */
export const BUILT_IN_MANIFEST = JSON.parse(readFileSync(join(ROOT, 'public/models', BUILT_IN_PACK, 'manifest.json'), 'utf8')) as PackJson;
export const BUILT_IN_SIZE_TEXT = formatBytes(BUILT_IN_MANIFEST.requirements.totalBytes);
/** tessera-tiny's fp32 variant: the larger pack the cache read rate is measured on. */
export const FP32_MANIFEST = JSON.parse(readFileSync(join(TINY_DIR + '-fp32', 'manifest.json'), 'utf8')) as PackJson;

export interface PackJson {
  name: string;
  files: { role: string; of?: string; path: string; bytes: number; sha256: string; chunks?: { bytes: number; sha256: string[] } }[];
  requirements: { totalBytes: number; largestBufferBytes: number; shaderF16: boolean };
  [key: string]: unknown;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Size of a file of tessera-tiny. */
export function tinyBytes(path: string): number {
  return TINY_MANIFEST.files.find((f) => f.path === path)!.bytes;
}

/** Writes a pack folder: files copied from tessera-tiny or given, and a manifest edited by `edit`. */
function writePack(root: string, folder: string, edit: (m: PackJson, dir: string) => void): void {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  cpSync(TINY_DIR, dir, { recursive: true });
  const manifest = structuredClone(TINY_MANIFEST);
  edit(manifest, dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

/** Re-describes a file of `manifest` from its bytes on disk (adding it when missing). */
function describeFile(manifest: PackJson, dir: string, entry: { role: string; of?: string; path: string }): void {
  const bytes = readFileSync(join(dir, entry.path));
  const described = { ...entry, bytes: bytes.length, sha256: sha256(bytes) };
  const index = manifest.files.findIndex((f) => f.path === entry.path || (entry.role !== 'externalData' && f.role === entry.role));
  if (index >= 0) manifest.files[index] = described;
  else manifest.files.push(described);
}

/** Chunk size of the test pack with per-chunk hashes (the manifest minimum). */
export const CHUNKED_BYTES = 64 * 1024;

/** Test packs under /packs/: variants of the built-in pack. */
export function makeTestPacks(): string {
  const root = mkdtempSync(join(tmpdir(), 'tessera-packs-'));
  writePack(root, 'chunked', (m, dir) => {
    m.name = 'tessera-chunked';
    const dit = m.files.find((f) => f.path === 'dit.onnx')!;
    const bytes = readFileSync(join(dir, 'dit.onnx'));
    const hashes = [];
    for (let at = 0; at < bytes.length; at += CHUNKED_BYTES) hashes.push(sha256(bytes.subarray(at, at + CHUNKED_BYTES)));
    dit.chunks = { bytes: CHUNKED_BYTES, sha256: hashes };
  });
  writePack(root, 'extdata', (m, dir) => {
    m.name = 'tessera-extdata';
    const fixture = join(ROOT, 'test/fixtures/external-data');
    cpSync(join(fixture, 'dit.onnx'), join(dir, 'dit.onnx'));
    cpSync(join(fixture, 'dit.onnx.data'), join(dir, 'dit.onnx.data'));
    mkdirSync(join(dir, 'weights'), { recursive: true });
    cpSync(join(fixture, 'weights/dit.onnx.data.1'), join(dir, 'weights/dit.onnx.data.1'));
    describeFile(m, dir, { role: 'dit', path: 'dit.onnx' });
    describeFile(m, dir, { role: 'externalData', of: 'dit', path: 'dit.onnx.data' });
    describeFile(m, dir, { role: 'externalData', of: 'dit', path: 'weights/dit.onnx.data.1' });
    m.requirements.totalBytes = m.files.reduce((sum, f) => sum + f.bytes, 0);
  });
  writePack(root, 'f16', (m) => {
    m.name = 'tessera-f16';
    m.requirements.shaderF16 = true;
  });
  writePack(root, 'bigbuffer', (m) => {
    m.name = 'tessera-bigbuffer';
    m.requirements.largestBufferBytes = 4 * 1024 ** 3;
  });
  writePack(root, 'escape', (m) => {
    m.name = 'tessera-escape';
    m.files[1]!.path = '../tiny/dit.onnx';
  });
  writePack(root, 'absurd', (m) => {
    m.name = 'tessera-absurd';
    m.files[1]!.bytes = 40 * 1024 ** 4;
  });
  mkdirSync(join(root, 'not-a-pack'), { recursive: true });
  writeFileSync(join(root, 'not-a-pack/manifest.json'), '<!doctype html><html><body>Welcome</body></html>');
  return root;
}

/** The pack server with the harness page, the built-in packs under /models/ and test packs under /packs/. */
export async function startCacheServer(): Promise<PackServer> {
  const harness = await bundleHarness();
  return startPackServer({
    roots: { '/models/': join(ROOT, 'public/models'), '/packs/': makeTestPacks(), '/ort/': join(ROOT, 'node_modules/onnxruntime-web/dist') },
    routes: {
      '/': async () => ({ body: HARNESS_HTML, type: 'text/html; charset=utf-8' }),
      '/harness.js': async () => ({ body: harness, type: 'text/javascript' }),
    },
  });
}

/** A fresh browser context (its own IndexedDB) with the harness page loaded. */
export async function openHarness(browser: Browser, server: PackServer): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
  return { context, page, errors };
}

/** page.evaluate raced against a timer (it has no timeout of its own). */
export async function within<T>(promise: Promise<T>, ms = 60_000, what = 'page.evaluate'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Requests the server logged for paths containing `part`, in order. */
export function requestsFor(server: PackServer, part: string): PackServer['log'] {
  return server.log.filter((r) => r.path.includes(part));
}


type HarnessMethods = {
  [K in keyof CacheHarness]: CacheHarness[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
};

/** Calls a harness method in the page, with a time limit. */
export function call<K extends 'install' | 'ensure' | 'resume' | 'verify' | 'list' | 'info' | 'delete' | 'readHash' | 'corruptChunk' | 'keys'>(
  page: Page,
  method: K,
  ...args: Parameters<HarnessMethods[K]>
): Promise<Awaited<ReturnType<HarnessMethods[K]>>> {
  return within(
    page.evaluate(
      ([name, list]) => (window as unknown as { cacheHarness: Record<string, (...a: unknown[]) => unknown> }).cacheHarness[name]!(...(list as unknown[])),
      [method, args] as const,
    ) as Promise<Awaited<ReturnType<HarnessMethods[K]>>>,
    120_000,
    `harness.${method}`,
  );
}
