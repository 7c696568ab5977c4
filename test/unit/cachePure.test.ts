import { describe, expect, it, vi } from 'vitest';
import { isQuotaExceeded } from '../../src/cache/errors';
import { checkHttpUrl, looksLikeHtml, manifestUrlFor, readBodyInto, TruncatedBody } from '../../src/cache/http';
import { etaSeconds, FileProgress, RateMeter, type ModelProgress } from '../../src/cache/progress';
import { chunkCount, chunkRange, emptyFileRecord, packStatus, recordMatches, storedBytes, type FileRecord } from '../../src/cache/records';
import { packProblems, wasmProblem, type DeviceLimits } from '../../src/cache/requirements';
import { externalDataLocation } from '../../src/cache/sessionSource';
import type { PackInfo } from '../../src/cache/modelStore';
import { describeDownload, formatDuration, summarize } from '../../src/cache/modelsController';
import { parseManifest } from '../../src/models/manifest';
import { validManifestJson } from '../fixtures/manifestFixture';

const GPU = (overrides: Partial<NonNullable<DeviceLimits['webgpu']>> = {}): DeviceLimits => ({
  webgpu: { maxBufferSize: 1024 ** 3, maxStorageBufferBindingSize: 1024 ** 3, shaderF16: false, description: 'SwiftShader', ...overrides },
});

function manifest(edit: (m: Record<string, any>) => void = () => {}) {
  const json = validManifestJson();
  json.requirements = { totalBytes: 10_000, largestBufferBytes: 4000, shaderF16: false };
  edit(json);
  return parseManifest(json, 'https://example.com/packs/tiny/');
}

describe('progress', () => {
  it('measures a rate over a sliding window and an ETA', () => {
    const meter = new RateMeter(1000);
    meter.sample(0, 0);
    expect(meter.sample(500, 500)).toBe(1000);
    expect(meter.sample(3000, 1000)).toBeCloseTo(200, 0); // a stall drags the rate down within the window
    expect(etaSeconds(1000, 500)).toBe(2);
    expect(etaSeconds(0, 0)).toBe(0);
    expect(etaSeconds(10, 0)).toBeNull();
  });

  it('never reports loaded going backwards, throttles progress, and ends at loaded === total', () => {
    const events: ModelProgress[] = [];
    let now = 0;
    const progress = new FileProgress((e) => events.push(e), { pack: 'p', file: 'f', source: 'network', total: 1000 }, () => now, 100);
    progress.initiate(200);
    progress.download();
    for (const [t, loaded] of [[150, 400], [160, 450], [300, 300], [450, 900]] as const) {
      now = t;
      progress.update(loaded);
    }
    progress.done();
    expect(events.map((e) => e.status)).toEqual(['initiate', 'download', 'progress', 'progress', 'progress', 'done']);
    const loaded = events.map((e) => e.loaded);
    expect(loaded).toEqual([200, 200, 400, 450, 900, 1000]);
    expect(events.at(-1)).toMatchObject({ loaded: 1000, total: 1000, eta: 0 });
    expect(events.every((e) => e.rate >= 0)).toBe(true);
  });
});

describe('URLs and HTML detection', () => {
  it('turns a folder or manifest URL into the manifest URL', () => {
    expect(manifestUrlFor('https://x.org/packs/tiny')).toBe('https://x.org/packs/tiny/manifest.json');
    expect(manifestUrlFor('https://x.org/packs/tiny/')).toBe('https://x.org/packs/tiny/manifest.json');
    expect(manifestUrlFor(' https://x.org/p/m.json ')).toBe('https://x.org/p/m.json');
    expect(manifestUrlFor('/models/tiny/', 'http://127.0.0.1:5173/app/')).toBe('http://127.0.0.1:5173/models/tiny/manifest.json');
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'ftp://x.org/m.json', 'https://user:pw@x.org/m.json', 'not a url'])('refuses %s', (url) => {
    expect(() => checkHttpUrl(url)).toThrow(expect.objectContaining({ name: 'DownloadError', code: 'invalid-url' }));
  });

  it('in a page, refuses plain http:// packs its CSP would block, with the reason, and allows those it permits', () => {
    vi.stubGlobal('location', { href: 'https://app.example/tessera/' });
    try {
      expect(() => checkHttpUrl('http://packs.example/tiny/manifest.json')).toThrow(
        expect.objectContaining({ code: 'invalid-url', message: expect.stringContaining("packs.example is plain http://; the app loads packs over http:// only from this computer") }),
      );
      expect(checkHttpUrl('http://localhost:8080/tiny/manifest.json').host).toBe('localhost:8080');
      expect(checkHttpUrl('http://127.0.0.1:9000/m.json').host).toBe('127.0.0.1:9000');
      expect(checkHttpUrl('https://packs.example/m.json').host).toBe('packs.example');
    } finally {
      vi.unstubAllGlobals();
    }
    vi.stubGlobal('location', { href: 'http://lan-box:5173/' });
    try {
      expect(checkHttpUrl('/models/tiny/manifest.json').href).toBe('http://lan-box:5173/models/tiny/manifest.json');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('recognises HTML and XML starts, not ONNX protobufs', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(looksLikeHtml(enc('<!doctype html><html>'))).toBe(true);
    expect(looksLikeHtml(enc('\ufeff  \n<html>'))).toBe(true);
    expect(looksLikeHtml(enc('<?xml version="1.0"?>'))).toBe(true);
    expect(looksLikeHtml(Uint8Array.of(0x08, 0x08, 0x12, 0x05))).toBe(false);
    expect(looksLikeHtml(Uint8Array.of(0x3c, 0x00, 0x80, 0x3f))).toBe(false); // a float that starts with '<'
  });

  it('recognises quota errors, also wrapped as a cause', () => {
    expect(isQuotaExceeded({ name: 'QuotaExceededError' })).toBe(true);
    expect(isQuotaExceeded({ name: 'Error', cause: { name: 'QuotaExceededError' } })).toBe(true);
    expect(isQuotaExceeded(new Error('x'))).toBe(false);
  });
});

describe('reading a body', () => {
  /** A body that sends `parts` one read at a time, then fails with `error` (or ends cleanly). */
  const body = (parts: number[][], error?: unknown) => {
    const left = [...parts];
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const part = left.shift();
          if (part) controller.enqueue(Uint8Array.from(part));
          else if (error) controller.error(error);
          else controller.close();
        },
      }),
    );
  };

  it('reads the whole body into the target at the offset, reporting bytes as they arrive', async () => {
    const target = new Uint8Array(6);
    const seen: number[] = [];
    expect(await readBodyInto(body([[1, 2], [3]]), target, 2, (n) => seen.push(n))).toBe(3);
    expect([...target]).toEqual([0, 0, 1, 2, 3, 0]);
    expect(seen).toEqual([2, 3]);
  });

  it('tells a cut connection (TruncatedBody with the bytes received) from an abort (passed through)', async () => {
    const cut = readBodyInto(body([[1, 2]], new TypeError('network error')), new Uint8Array(4), 0, () => undefined);
    await expect(cut).rejects.toThrow(TruncatedBody);
    await expect(cut).rejects.toMatchObject({ received: 2 });
    const abort = new DOMException('stopped', 'AbortError');
    await expect(readBodyInto(body([[1]], abort), new Uint8Array(4), 0, () => undefined)).rejects.toBe(abort);
  });
});

describe('records', () => {
  it('splits files into chunks with inclusive ranges', () => {
    expect(chunkCount(10, 4)).toBe(3);
    expect(chunkCount(8, 4)).toBe(2);
    expect([0, 1, 2].map((i) => chunkRange(10, 4, i))).toEqual([{ start: 0, end: 3 }, { start: 4, end: 7 }, { start: 8, end: 9 }]);
  });

  it('keeps a stored record only while it still describes the manifest file', () => {
    const m = manifest();
    const file = m.files[1]! as typeof m.files[number] & { url: string };
    const record = emptyFileRecord('tiny', file, 1024);
    expect(record.chunks).toHaveLength(2);
    expect(recordMatches(record, file)).toBe(true);
    expect(recordMatches(record, { ...file, sha256: 'f'.repeat(64) })).toBe(false);
    expect(recordMatches(record, { ...file, chunks: { bytes: 65536, sha256: ['a'.repeat(64)] } })).toBe(false);
  });

  it('calls a pack complete only when every file is, corrupt when any is', () => {
    const base = { state: 'complete' } as FileRecord;
    expect(packStatus([base, base])).toBe('complete');
    expect(packStatus([base, { ...base, state: 'partial' }])).toBe('partial');
    expect(packStatus([base, undefined])).toBe('partial');
    expect(packStatus([{ ...base, state: 'corrupt' }, { ...base, state: 'partial' }])).toBe('corrupt');
    expect(packStatus([])).toBe('partial');
    expect(storedBytes({ ...base, state: 'partial', chunks: [{ bytes: 5, sha256: '' }, null, { bytes: 2, sha256: '' }] } as FileRecord)).toBe(7);
  });
});

describe('pack requirements against the device', () => {
  it('accepts a pack that fits', () => {
    expect(packProblems(manifest(), GPU())).toEqual([]);
    expect(packProblems(manifest(), { webgpu: null })).toEqual([]);
  });

  it('refuses shader-f16 where the adapter lacks it, naming the adapter', () => {
    const [problem] = packProblems(manifest((m) => (m.requirements.shaderF16 = true)), GPU());
    expect(problem).toMatch(/shader-f16.*SwiftShader/);
    expect(packProblems(manifest((m) => (m.requirements.shaderF16 = true)), GPU({ shaderF16: true }))).toEqual([]);
    expect(packProblems(manifest((m) => (m.requirements.shaderF16 = true)), { webgpu: null })[0]).toMatch(/no WebGPU adapter/);
  });

  it('refuses a largest buffer above maxBufferSize or maxStorageBufferBindingSize', () => {
    const big = manifest((m) => (m.requirements.largestBufferBytes = 2 * 1024 ** 3));
    expect(packProblems(big, GPU())[0]).toMatch(/2\.15 GB.*at most 1\.07 GB/);
    expect(packProblems(manifest((m) => (m.requirements.largestBufferBytes = 600 * 1024 ** 2)), GPU({ maxStorageBufferBindingSize: 128 * 1024 ** 2 }))).toHaveLength(1);
  });

  it('refuses sessions over WebAssembly memory when there is no WebGPU: all of them for a resident pack, the largest for a sequential one', () => {
    // Two graphs of 1.5 GiB of weights each (external data, so no graph file breaks the protobuf limit).
    const shards = (plan?: 'sequential') =>
      manifest((m) => {
        m.files.push({ role: 'externalData', of: 'dit', path: 'dit.onnx.data', bytes: 1.5 * 1024 ** 3, sha256: 'a'.repeat(64) });
        m.files.push({ role: 'externalData', of: 'textEncoder', path: 'text_encoder.onnx.data', bytes: 1.5 * 1024 ** 3, sha256: 'b'.repeat(64) });
        m.files.push({ role: 'externalData', of: 'vaeDecoder', path: 'vae_decoder.onnx.data', bytes: 1.5 * 1024 ** 3, sha256: 'c'.repeat(64) });
        m.requirements.totalBytes = 5 * 1024 ** 3;
        if (plan) m.runtime = { memoryPlan: plan };
      });
    const [resident] = packProblems(shards(), { webgpu: null });
    expect(resident).toBe(
      'Without WebGPU models run in WebAssembly, whose memory is 4 GiB at most (a 32-bit build), but its sessions, all held at once, weigh 4.83 GB (4831848208 bytes, more than 4294967296); use a browser and device with WebGPU.',
    );
    expect(packProblems(shards(), GPU())).toEqual([]);
    // With WebGPU the pack is accepted, but the engine's WASM path (forced, or a fallback) refuses it in the same words.
    expect(wasmProblem(shards())).toBe(resident);
    expect(wasmProblem(shards('sequential'))).toBeNull();
    expect(packProblems(shards('sequential'), { webgpu: null })).toEqual([]);
    const oneHuge = manifest((m) => {
      m.files.push({ role: 'externalData', of: 'dit', path: 'a.data', bytes: 2 * 1024 ** 3, sha256: 'a'.repeat(64) }, { role: 'externalData', of: 'dit', path: 'b.data', bytes: 2.5 * 1024 ** 3, sha256: 'b'.repeat(64) });
      m.requirements.totalBytes = 5 * 1024 ** 3;
      m.runtime = { memoryPlan: 'sequential' };
    });
    expect(packProblems(oneHuge, { webgpu: null })[0]).toMatch(/its largest session \(dit, run alone: the pack's memory plan is sequential\) holds 4\.83 GB \(4831840208 bytes/);
  });

  it('names the adapter limit a buffer breaks, with both numbers', () => {
    const problems = packProblems(manifest((m) => (m.requirements.largestBufferBytes = 200 * 1024 ** 2)), GPU({ maxStorageBufferBindingSize: 128 * 1024 ** 2 }));
    expect(problems).toEqual([
      'Its largest weight buffer is 210 MB but SwiftShader allows at most 134 MB per buffer (maxStorageBufferBindingSize 134217728 bytes, the buffer 209715200); choose a smaller or sharded pack.',
    ]);
  });

  it('refuses inconsistent or absurd manifests whatever the device', () => {
    expect(packProblems(manifest((m) => (m.requirements.totalBytes = 5)), null)[0]).toMatch(/inconsistent/);
    const graph = manifest((m) => {
      m.files[1].bytes = 3 * 1024 ** 3;
      m.requirements.totalBytes = 4 * 1024 ** 3;
    });
    expect(packProblems(graph, null)[0]).toMatch(/under 2 GiB.*externalData/);
    const absurd = manifest((m) => {
      for (let i = 0; i < 5; i++) m.files.push({ role: 'externalData', of: 'dit', path: `w${i}.data`, bytes: 15 * 1024 ** 3, sha256: 'a'.repeat(64) });
      m.requirements.totalBytes = 80 * 1024 ** 3;
    });
    expect(packProblems(absurd, null)[0]).toMatch(/more than the/);
  });
});

describe('external data locations', () => {
  it('are relative to the graph file', () => {
    expect(externalDataLocation('dit.onnx', 'dit.onnx.data')).toBe('dit.onnx.data');
    expect(externalDataLocation('dit.onnx', 'weights/dit.onnx.data.1')).toBe('weights/dit.onnx.data.1');
    expect(externalDataLocation('graphs/dit.onnx', 'graphs/dit.data')).toBe('dit.data');
    expect(() => externalDataLocation('graphs/dit.onnx', 'other/dit.data')).toThrow(/folder of its graph/);
  });
});

describe('Models panel summaries', () => {
  const event = (file: string, loaded: number, total: number, status: ModelProgress['status'], rate = 0): ModelProgress => ({
    status,
    pack: 'p',
    file,
    source: 'network',
    loaded,
    total,
    rate,
    eta: null,
  });

  it('sums a pack’s files, counting stored bytes of files not announced yet, with rate and ETA of those in flight', () => {
    const files = new Map([
      ['a.onnx', event('a.onnx', 1000, 1000, 'done')],
      ['b.onnx', event('b.onnx', 500, 2000, 'progress', 250)],
    ]);
    const info = {
      totalBytes: 4000,
      files: [
        { path: 'a.onnx', storedBytes: 1000 },
        { path: 'b.onnx', storedBytes: 0 },
        { path: 'c.onnx', storedBytes: 300 },
      ],
    } as unknown as PackInfo;
    const view = summarize(files, info);
    expect(view).toMatchObject({ loaded: 1800, total: 4000, rate: 250, file: 'b.onnx', done: false });
    expect(view.eta).toBeCloseTo(8.8);
    expect(describeDownload(view)).toBe('1.80 kB of 4.00 kB · 250 B/s · 9 s left');
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3700)).toBe('1 h 2 min');
  });
});
