/**
 * The weight cache in real Chromium with real IndexedDB, against a server that misbehaves on
 * purpose (test/e2e/server/packServer.ts): resumable chunked downloads, integrity, HTML answers,
 * servers without Range, reloads, quota, CORS and refusals.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './browser';
import { call, CHUNKED_BYTES, FP32_MANIFEST, openHarness, requestsFor, startCacheServer, TINY_MANIFEST, TINY_SIZE_TEXT, tinyBytes, within } from './cacheFixtures';
import type { PackServer } from './server/packServer';

const TINY = '/models/tessera-tiny/manifest.json';
/** Small chunks so the 1.6 MB dit.onnx spans 13 Range requests. */
const SMALL_CHUNK = 128 * 1024;
const FAST_RETRY = { retryDelayMs: 50 };

let browser: Browser;
let server: PackServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startCacheServer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh context (empty IndexedDB) and a clean server log for each test. */
async function fresh(): Promise<void> {
  await context?.close();
  server.reset();
  ({ context, page } = await openHarness(browser, server));
}

describe('weight cache in Chromium', () => {
  it('installs the built-in pack verified, with monotonic progress ending at 100%, and never re-fetches a complete file', async () => {
    await fresh();
    const first = await call(page, 'install', TINY);
    expect(first.error).toBeNull();
    expect(first.value!.status).toBe('complete');
    expect(first.value!.storedBytes).toBe(TINY_MANIFEST.requirements.totalBytes);
    for (const file of TINY_MANIFEST.files) {
      const events = first.events.filter((e) => e.file === file.path);
      expect(events.map((e) => e.status)[0]).toBe('initiate');
      expect(events.at(-1)).toMatchObject({ status: 'done', loaded: file.bytes, total: file.bytes, eta: 0 });
      const loaded = events.map((e) => e.loaded);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
      const read = await call(page, 'readHash', 'tessera-tiny', file.path);
      expect(read.value).toEqual({ bytes: file.bytes, sha256: file.sha256 });
    }
    expect(first.events.at(-1)).toMatchObject({ status: 'ready', pack: 'tessera-tiny' });

    server.reset();
    const again = await call(page, 'install', TINY);
    expect(again.value!.status).toBe('complete');
    expect(server.log.map((r) => r.path)).toEqual([TINY]);
  });

  it.each([0.3, 0.6, 0.9])('resumes a download cut at %s of dit.onnx from the last stored chunk', async (fraction) => {
    await fresh();
    const size = tinyBytes('dit.onnx');
    const cutAt = Math.floor(size * fraction);
    server.setFaults([{ path: 'dit.onnx', cutAt, times: 1 }]);
    const cut = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK, retries: 0 });
    expect(cut.error).toMatchObject({ name: 'DownloadError', code: 'fetch-failed' });
    const partial = await call(page, 'info', 'tessera-tiny');
    expect(partial!.status).toBe('partial');
    const boundary = Math.floor(cutAt / SMALL_CHUNK) * SMALL_CHUNK;
    expect(partial!.files.find((f) => f.path === 'dit.onnx')!.storedBytes).toBe(boundary);

    server.reset();
    const resumed = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    expect(resumed.error).toBeNull();
    expect(resumed.value!.status).toBe('complete');
    const dit = requestsFor(server, 'dit.onnx');
    expect(dit[0]!.range).toBe(`bytes=${boundary}-${boundary + SMALL_CHUNK - 1}`);
    expect(dit.reduce((sum, r) => sum + r.sent, 0)).toBe(size - boundary);
    // Files finished before the cut are not requested again.
    expect(requestsFor(server, 'text_encoder.onnx')).toHaveLength(0);
    const read = await call(page, 'readHash', 'tessera-tiny', 'dit.onnx');
    expect(read.value!.sha256).toBe(TINY_MANIFEST.files.find((f) => f.path === 'dit.onnx')!.sha256);
  });

  it('retries a cut connection by itself, from the chunk that was cut', async () => {
    await fresh();
    const cutAt = Math.floor(tinyBytes('dit.onnx') * 0.45);
    server.setFaults([{ path: 'dit.onnx', cutAt, times: 1 }]);
    const result = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK, ...FAST_RETRY });
    expect(result.error).toBeNull();
    expect(result.notes).toContainEqual(expect.objectContaining({ kind: 'retry', file: 'dit.onnx', chunk: Math.floor(cutAt / SMALL_CHUNK), attempt: 1 }));
    const starts = requestsFor(server, 'dit.onnx').map((r) => r.start);
    const chunk = Math.floor(cutAt / SMALL_CHUNK) * SMALL_CHUNK;
    expect(starts.filter((s) => s === chunk)).toHaveLength(2);
    expect(new Set(starts).size).toBe(starts.length - 1);
  });

  it('re-fetches only the chunk whose bytes were flipped, using the manifest’s per-chunk hashes', async () => {
    await fresh();
    const flipAt = 5 * CHUNKED_BYTES + 1234;
    server.setFaults([{ path: 'dit.onnx', flipAt, times: 1 }]);
    const result = await call(page, 'install', '/packs/chunked/manifest.json');
    expect(result.error).toBeNull();
    expect(result.value!.status).toBe('complete');
    expect(result.notes).toEqual([expect.objectContaining({ kind: 'chunk-refetch', file: 'dit.onnx', chunk: 5 })]);
    const starts = requestsFor(server, 'dit.onnx').map((r) => r.start);
    expect(starts.filter((s) => s === 5 * CHUNKED_BYTES)).toHaveLength(2);
    expect(starts).toHaveLength(Math.ceil(tinyBytes('dit.onnx') / CHUNKED_BYTES) + 1);
  });

  it('re-fetches a one-chunk file whose bytes were flipped', async () => {
    await fresh();
    server.setFaults([{ path: 'text_encoder.onnx', flipAt: 1000, times: 1 }]);
    const result = await call(page, 'install', TINY);
    expect(result.value!.status).toBe('complete');
    expect(result.notes).toEqual([expect.objectContaining({ kind: 'chunk-refetch', file: 'text_encoder.onnx', chunk: 0 })]);
    expect(requestsFor(server, 'text_encoder.onnx')).toHaveLength(2);
  });

  it('without per-chunk hashes, finds and replaces the flipped chunk when the whole file fails', async () => {
    await fresh();
    const flipAt = 7 * SMALL_CHUNK + 99;
    server.setFaults([{ path: 'dit.onnx', flipAt, times: 1 }]);
    const result = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    expect(result.error).toBeNull();
    expect(result.value!.status).toBe('complete');
    expect(result.notes).toContainEqual({ kind: 'recheck', file: 'dit.onnx', replaced: [7] });
    const read = await call(page, 'readHash', 'tessera-tiny', 'dit.onnx');
    expect(read.value!.sha256).toBe(TINY_MANIFEST.files.find((f) => f.path === 'dit.onnx')!.sha256);
  });

  it('gives up with an IntegrityError when the server keeps sending wrong bytes, marking nothing complete', async () => {
    await fresh();
    server.setFaults([{ path: 'vae_decoder.onnx', flipAt: 10 }]);
    const result = await call(page, 'install', TINY);
    expect(result.error).toMatchObject({ name: 'IntegrityError', code: 'integrity' });
    expect(result.error!.message).toContain('vae_decoder.onnx');
    const info = await call(page, 'info', 'tessera-tiny');
    expect(info!.status).not.toBe('complete');
    expect(info!.files.find((f) => f.path === 'vae_decoder.onnx')!.state).not.toBe('complete');
  });

  it.each([
    ['labelled text/html', true as const],
    ['labelled as binary', 'octet' as const],
  ])('refuses an HTML page answered instead of a model file (%s) with a clear error', async (_label, html) => {
    await fresh();
    server.setFaults([{ path: 'vae_decoder.onnx', html }]);
    const result = await call(page, 'install', TINY);
    expect(result.error).toMatchObject({ name: 'DownloadError', code: 'html-instead-of-file' });
    expect(result.error!.message).toMatch(/HTML page instead of vae_decoder\.onnx/);
    expect(result.error!.message).toMatch(/missing/);
    expect((await call(page, 'info', 'tessera-tiny'))!.status).toBe('partial');
  });

  it('falls back to one full download per file when the server ignores Range', async () => {
    await fresh();
    server.setFaults([{ noRange: true }]);
    const result = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    expect(result.error).toBeNull();
    expect(result.value!.status).toBe('complete');
    expect(result.notes.filter((n) => n.kind === 'range-ignored')).toHaveLength(4);
    const files = server.log.filter((r) => r.path.endsWith('.onnx'));
    expect(files.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('without Range, a cut full download resumes storing from the first chunk it lacks', async () => {
    await fresh();
    // Chromium drops body bytes still buffered when the connection is reset, so the page may read
    // less than the server sent (a cut at 5.5 chunks was once read to 4.03 chunks): the retry must
    // start at the first chunk the page did not read whole (which may come before the cut), not at 0.
    const cutAt = Math.floor(5.5 * SMALL_CHUNK);
    server.setFaults([{ noRange: true }, { path: 'dit.onnx', cutAt, times: 1 }]);
    const result = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK, ...FAST_RETRY });
    expect(result.error).toBeNull();
    expect(result.value!.status).toBe('complete');
    const retry = result.notes.find((n) => n.kind === 'retry' && n.file === 'dit.onnx');
    if (retry?.kind !== 'retry') throw new Error(`no retry of dit.onnx in ${JSON.stringify(result.notes)}`);
    const read = Number(/after (\d+) bytes of a full download/.exec(retry.reason)?.[1]);
    expect(read).toBeLessThanOrEqual(cutAt);
    expect(retry.attempt).toBe(1);
    expect(retry.chunk).toBe(Math.floor(read / SMALL_CHUNK));
    expect(retry.chunk).toBeGreaterThan(0);
  });

  it('resumes after a page reload in the middle of a download', async () => {
    await fresh();
    const size = tinyBytes('dit.onnx');
    server.setFaults([{ path: 'dit.onnx', throttle: 400_000 }]);
    // The reload destroys this evaluation's context; its rejection is expected.
    page
      .evaluate(() => (window as unknown as { cacheHarness: { install(u: string, o: object): Promise<unknown> } }).cacheHarness.install('/models/tessera-tiny/manifest.json', { chunkBytes: 128 * 1024 }))
      .catch(() => undefined);
    await within(
      page.waitForFunction(
        (bytes) => {
          const events = (window as unknown as { cacheHarness: { live: { events: { file: string; loaded: number }[] } } }).cacheHarness.live.events;
          return events.some((e) => e.file === 'dit.onnx' && e.loaded >= bytes);
        },
        Math.floor(size * 0.4),
        { timeout: 30_000, polling: 50 },
      ),
    );
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
    const before = (await call(page, 'info', 'tessera-tiny'))!;
    const stored = before.files.find((f) => f.path === 'dit.onnx')!.storedBytes;
    expect(before.status).toBe('partial');
    expect(stored).toBeGreaterThanOrEqual(3 * SMALL_CHUNK);

    server.setFaults([]);
    const sentBefore = requestsFor(server, 'dit.onnx').reduce((sum, r) => sum + r.sent, 0);
    const resumed = await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    expect(resumed.value!.status).toBe('complete');
    const after = requestsFor(server, 'dit.onnx').slice(-Math.ceil((size - stored) / SMALL_CHUNK));
    expect(after[0]!.start).toBe(stored);
    const sentTotal = requestsFor(server, 'dit.onnx').reduce((sum, r) => sum + r.sent, 0);
    expect(sentTotal - sentBefore).toBe(size - stored);
  });

  it('resumes after the browser is closed in the middle of a download and started again', async () => {
    server.reset();
    const profile = mkdtempSync(join(tmpdir(), 'tessera-profile-'));
    onTestFinished(() => rmSync(profile, { recursive: true, force: true }));
    const size = tinyBytes('dit.onnx');
    const launch = () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    let persistent = await launch();
    let tab = await persistent.newPage();
    await tab.goto(`${server.url}/`);
    await tab.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
    server.setFaults([{ path: 'dit.onnx', throttle: 400_000 }]);
    tab
      .evaluate(() => (window as unknown as { cacheHarness: { install(u: string, o: object): Promise<unknown> } }).cacheHarness.install('/models/tessera-tiny/manifest.json', { chunkBytes: 128 * 1024 }))
      .catch(() => undefined);
    await within(
      tab.waitForFunction(
        (bytes) => (window as unknown as { cacheHarness: { live: { events: { file: string; loaded: number }[] } } }).cacheHarness.live.events.some((e) => e.file === 'dit.onnx' && e.loaded >= bytes),
        Math.floor(size * 0.5),
        { timeout: 30_000, polling: 50 },
      ),
    );
    await persistent.close();

    server.setFaults([]);
    persistent = await launch();
    onTestFinished(() => persistent.close());
    tab = await persistent.newPage();
    await tab.goto(`${server.url}/`);
    await tab.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
    const before = await call(tab, 'info', 'tessera-tiny');
    const stored = before!.files.find((f) => f.path === 'dit.onnx')!.storedBytes;
    expect(stored).toBeGreaterThanOrEqual(3 * SMALL_CHUNK);
    const mark = server.log.length;
    const resumed = await call(tab, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    expect(resumed.value!.status).toBe('complete');
    const dit = server.log.slice(mark).filter((r) => r.path.endsWith('dit.onnx'));
    expect(dit[0]!.start).toBe(stored);
    expect(dit.reduce((sum, r) => sum + r.sent, 0)).toBe(size - stored);
  });

  it('refuses a pack larger than the quota before downloading, and when writes hit the quota marks nothing complete', async () => {
    // Chromium reports a static quota to pages unless StaticStorageQuota is off; the override then shows.
    const quotaBrowser = await launchChromium(['--disable-features=StaticStorageQuota']);
    onTestFinished(() => quotaBrowser.close());
    server.reset();
    ({ context, page } = await openHarness(quotaBrowser, server));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 1_000_000 });
    const refused = await call(page, 'install', TINY);
    expect(refused.error).toMatchObject({ name: 'StorageQuotaError', code: 'quota' });
    expect(refused.error!.message).toContain(`needs ${TINY_SIZE_TEXT} more`);
    expect(refused.error!.message).toMatch(/delete packs/i);
    expect(server.log.filter((r) => r.path.endsWith('.onnx'))).toHaveLength(0);

    const written = await call(page, 'install', TINY, { checkQuota: false });
    expect(written.error).toMatchObject({ name: 'StorageQuotaError', code: 'quota-exceeded' });
    expect(written.error!.message).toMatch(/Nothing was marked complete/);
    const info = (await call(page, 'info', 'tessera-tiny'))!;
    expect(info.status).not.toBe('complete');
    expect(info.files.filter((f) => f.state === 'complete').length).toBeLessThan(4);
  });

  it('explains a cross-origin server without CORS headers', async () => {
    await fresh();
    const result = await call(page, 'install', `${server.otherOrigin}/models/tessera-tiny/manifest.json?nocors=1`);
    expect(result.error).toMatchObject({ name: 'DownloadError', code: 'fetch-failed' });
    expect(result.error!.message).toMatch(/CORS/);
    expect(result.error!.message).toMatch(/Access-Control-Allow-Origin/);
  });

  it('installs a pack from another origin that sends CORS headers', async () => {
    await fresh();
    const result = await call(page, 'install', `${server.otherOrigin}/models/tessera-tiny/`, { chunkBytes: SMALL_CHUNK });
    expect(result.error).toBeNull();
    expect(result.value).toMatchObject({ status: 'complete', sourceUrl: `${server.otherOrigin}/models/tessera-tiny/manifest.json` });
  });

  it.each([
    ['a file: URL', 'file:///etc/passwd', 'DownloadError', 'invalid-url'],
    ['a javascript: URL', 'javascript:alert(1)', 'DownloadError', 'invalid-url'],
    ['a page that is not JSON', '/packs/not-a-pack/manifest.json', 'DownloadError', 'not-json'],
    ['a missing manifest', '/packs/nothing-here/', 'DownloadError', 'http-status'],
    ['a path escaping the pack', '/packs/escape/manifest.json', 'ManifestError', 'unsafe-path'],
    ['an absurd file size', '/packs/absurd/manifest.json', 'ManifestError', 'too-large'],
  ])('refuses %s before downloading anything', async (_what, url, name, code) => {
    await fresh();
    const result = await call(page, 'install', url);
    expect(result.error).toMatchObject({ name, code });
    expect(server.log.filter((r) => r.path.endsWith('.onnx'))).toHaveLength(0);
    expect(await call(page, 'list')).toEqual([]);
  });

  it('refuses packs this adapter cannot run (shader-f16, buffer size) with the reason', async () => {
    await fresh();
    const refusals = await within(
      page.evaluate(async () => {
        const h = (window as unknown as { cacheHarness: import('./harness/harness').CacheHarness }).cacheHarness;
        const limits = await h.cache.probeDeviceLimits();
        const f16 = await h.install('/packs/f16/manifest.json', { limits });
        const big = await h.install('/packs/bigbuffer/manifest.json', { limits });
        return { limits, f16: f16.error, big: big.error };
      }),
    );
    expect(refusals.limits.webgpu).not.toBeNull();
    expect(refusals.f16).toMatchObject({ name: 'PackRequirementsError', code: 'requirements' });
    expect(refusals.f16!.message).toMatch(/shader-f16/);
    expect(refusals.big).toMatchObject({ name: 'PackRequirementsError', code: 'requirements' });
    expect(refusals.big!.message).toMatch(/4\.29 GB .* at most 1\.07 GB per buffer/);
    expect(server.log.filter((r) => r.path.endsWith('.onnx'))).toHaveLength(0);
  });

  it('verify finds a damaged stored chunk, and resume re-fetches only that chunk', async () => {
    await fresh();
    await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    await call(page, 'corruptChunk', 'tessera-tiny', 'dit.onnx', 4, 77);
    const verified = await call(page, 'verify', 'tessera-tiny');
    expect(verified.value!.status).toBe('corrupt');
    expect(verified.value!.files.find((f) => f.path === 'dit.onnx')!.state).toBe('corrupt');
    const blocked = await call(page, 'readHash', 'tessera-tiny', 'dit.onnx');
    expect(blocked.error).toMatchObject({ name: 'PackNotInstalledError', code: 'corrupt' });

    server.reset();
    const resumed = await call(page, 'resume', 'tessera-tiny');
    expect(resumed.value!.status).toBe('complete');
    expect(server.log.map((r) => `${r.path} ${r.range}`)).toEqual([`/models/tessera-tiny/dit.onnx bytes=${4 * SMALL_CHUNK}-${5 * SMALL_CHUNK - 1}`]);
    const again = await call(page, 'verify', 'tessera-tiny');
    expect(again.value!.status).toBe('complete');
  });

  it('delete removes the pack and every chunk', async () => {
    await fresh();
    await call(page, 'install', TINY, { chunkBytes: SMALL_CHUNK });
    expect((await call(page, 'keys')).length).toBeGreaterThan(20);
    await call(page, 'delete', 'tessera-tiny');
    expect(await call(page, 'keys')).toEqual([]);
    expect(await call(page, 'list')).toEqual([]);
  });
});

describe('sessions from cached bytes', () => {
  it('creates an onnxruntime-web session from a graph whose weights are in two external-data shards', async () => {
    await fresh();
    const installed = await call(page, 'install', '/packs/extdata/manifest.json');
    expect(installed.error).toBeNull();
    server.reset();
    const result = await within(
      page.evaluate(async () => {
        const h = (window as unknown as { cacheHarness: import('./harness/harness').CacheHarness }).cacheHarness;
        const ort = await h.loadOrt();
        const manifest = await h.store.manifest('tessera-extdata');
        const source = await h.cache.sessionSource(h.store, manifest, 'dit');
        const session = await ort.InferenceSession.create(source.model, { executionProviders: ['wasm'], externalData: source.externalData });
        const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.5);
        const y = (await session.run({ x: new ort.Tensor('float32', x, [1, 64]) })).y!.data as Float32Array;
        // The weights' formula from test/fixtures/external-data/make.py.
        const w = (i: number, j: number, a: number, b: number) => ((i * a + j * b) % 97) / 97 - 0.5;
        const hidden = Array.from({ length: 128 }, (_, j) => Math.max(0, x.reduce((s, xi, i) => s + xi * w(i, j, 131, 17), 0)));
        const expected = Array.from({ length: 16 }, (_, k) => hidden.reduce((s, hj, j) => s + hj * w(j, k, 29, 53), 0));
        return { paths: source.externalData.map((e) => e.path), maxError: Math.max(...expected.map((e, k) => Math.abs(e - y[k]!))) };
      }),
      120_000,
    );
    expect(result.paths).toEqual(['dit.onnx.data', 'weights/dit.onnx.data.1']);
    expect(result.maxError).toBeLessThan(1e-4);
    // Everything came from IndexedDB.
    expect(server.log.filter((r) => r.path.startsWith('/packs/'))).toEqual([]);
  });
});

describe('cache measurements for the benchmark', () => {
  it('reports the cache read rate and a cold (network) against a warm (IndexedDB) load', async () => {
    await fresh();
    const figures = await within(
      page.evaluate(async () => {
        const h = (window as unknown as { cacheHarness: import('./harness/harness').CacheHarness }).cacheHarness;
        const ort = await h.loadOrt();
        const createSession = async (_role: string, source: { model: Uint8Array; externalData: { path: string; data: Uint8Array }[] }) => {
          const session = await ort.InferenceSession.create(source.model, { executionProviders: ['wasm'], externalData: source.externalData });
          await session.release();
        };
        // Compile onnxruntime's WASM first, so the cold load is not charged for it.
        const warmUp = new Uint8Array(await (await fetch('/models/tessera-tiny/text_encoder.onnx')).arrayBuffer());
        await (await ort.InferenceSession.create(warmUp, { executionProviders: ['wasm'] })).release();
        const load = await h.cache.measureColdWarmLoad(h.store, '/models/tessera-tiny-fp32/manifest.json', { createSession });
        const read = await h.cache.measureCacheRead(h.store, 'tessera-tiny-fp32', 3);
        return { load, read };
      }),
      180_000,
    );
    console.log(`cache figures (Chromium, 2 shared cores): ${JSON.stringify(figures)}`);
    expect(figures.read.bytes).toBe(FP32_MANIFEST.requirements.totalBytes);
    expect(figures.read.mbPerSecond).toBeGreaterThan(1);
    expect(figures.load.warmMs).toBeGreaterThan(0);
    expect(figures.load.downloadMs).toBeGreaterThan(0);
  });
});
