/**
 * "Open pack folder" measured in the production app (Chromium, real IndexedDB): a pack folder with
 * one large external-data file (random bytes, per-chunk hashes of 16 MiB) goes in through the
 * folder input, and this reports the copy's rate and what it costs in memory: the renderer's
 * resident set (bench/rss.ts: the page, its workers and every ArrayBuffer and Blob they hold) and the
 * page's V8 heap (CDP, sampled every 100 ms; ArrayBuffer contents are outside it), each as its peak
 * above the value just before the copy. A copy that held the file whole would show in the RSS.
 * The page's long tasks (over 50 ms, PerformanceObserver) during the copy say how much it janks.
 *
 *   npx tsx bench/folderImport.ts [--mib 1024] [--dist DIR]     (default: the build in E2E_DIST_DIR or dist/)
 *
 * Writes bench/results/folder-import-<date>.json and .md. Nothing here asserts on a timing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/e2e/browser';
import { openAppIn } from '../test/e2e/pwaApp';
import { startPreview } from '../test/e2e/server';
import { machineInfo } from './machine';
import { newestRenderer, rendererRss, sampleRss } from './rss';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CHUNK = 16 * 1024 * 1024;
const NAME = 'folder-bench';

function arg(name: string): string | null {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

/** The built-in pack's folder plus `bytes` of external data for its DiT, described in its manifest. */
function writeFolder(bytes: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tessera-folder-bench-')), NAME);
  cpSync(join(ROOT, 'public/models/tessera-tiny'), dir, { recursive: true });
  const path = 'dit.onnx.data.bench';
  const fd = openSync(join(dir, path), 'w');
  const whole = createHash('sha256');
  const chunks: string[] = [];
  for (let at = 0; at < bytes; at += CHUNK) {
    const part = randomBytes(Math.min(CHUNK, bytes - at));
    writeSync(fd, part);
    whole.update(part);
    chunks.push(createHash('sha256').update(part).digest('hex'));
  }
  closeSync(fd);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { name: string; files: unknown[]; requirements: { totalBytes: number } };
  manifest.name = NAME;
  manifest.files.push({ role: 'externalData', of: 'dit', path, bytes, sha256: whole.digest('hex'), chunks: { bytes: CHUNK, sha256: chunks } });
  manifest.requirements.totalBytes += bytes;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return dir;
}

async function main(): Promise<void> {
  const mib = Number(arg('--mib') ?? 1024);
  const dist = arg('--dist');
  const folder = writeFolder(mib * 1024 * 1024);
  const total = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')).requirements.totalBytes as number;
  const [browser, app] = await Promise.all([launchChromium(), startPreview(dist ? { outDir: dist } : {})]);
  try {
    const before = await rendererRss(browser);
    const context = await browser.newContext();
    const { page } = await openAppIn(context, app.url);
    const pid = await newestRenderer(browser, before);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) as number;
    await cdp.send('HeapProfiler.collectGarbage');
    const heapBefore = await heap();
    const rssBefore = pid !== null ? ((await rendererRss(browser)).get(pid) ?? 0) * 1024 : null;
    let heapPeak = heapBefore;
    const sampler = pid !== null ? sampleRss(pid, 20) : null;
    await page.evaluate(() => {
      const durations: number[] = [];
      (globalThis as { longTasks?: number[] }).longTasks = durations;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => durations.push(e.duration))).observe({ type: 'longtask' });
    });
    const started = performance.now();
    await page.getByLabel('Pack folder', { exact: true }).setInputFiles(folder);
    const row = page.getByTestId(`pack-${NAME}`);
    for (;;) {
      heapPeak = Math.max(heapPeak, await heap());
      const status = await row.getAttribute('data-status').catch(() => null);
      const busy = await row.getByText('Copying', { exact: true }).count().catch(() => 1);
      if (status === 'complete' && busy === 0) break;
      // Only read an error that is there: textContent() on a missing element waits Playwright's 30 s default.
      const errorBox = page.getByTestId('pack-folder-error');
      const error = (await errorBox.count()) > 0 ? await errorBox.textContent() : null;
      if (error) throw new Error(error);
      if (performance.now() - started > 30 * 60_000) throw new Error('the copy took over 30 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const rssPeak = sampler?.stop() ?? null;
    const longTasks = await page.evaluate(() => (globalThis as { longTasks?: number[] }).longTasks ?? []);
    const result = {
      date: new Date().toISOString(),
      machine: machineInfo(),
      packBytes: total,
      largeFileBytes: mib * 1024 * 1024,
      chunkBytes: CHUNK,
      seconds: Math.round(seconds * 100) / 100,
      mbPerSecond: Math.round((total / 1e6 / seconds) * 10) / 10,
      jsHeapBeforeBytes: heapBefore,
      jsHeapPeakAboveBytes: heapPeak - heapBefore,
      mainThreadLongTasks: longTasks.length,
      mainThreadLongestTaskMs: Math.round(Math.max(0, ...longTasks)),
      mainThreadLongTasksTotalMs: Math.round(longTasks.reduce((a, b) => a + b, 0)),
      rendererRssPeakAboveBytes: rssPeak !== null && rssBefore !== null ? rssPeak - rssBefore : null,
      /** The machine is shared: the load says how much else ran. */
      loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    };
    const day = result.date.slice(0, 10);
    const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 1e6).toFixed(1)} MB`);
    const md = [
      `# Open pack folder, ${day}`,
      '',
      `A ${mb(total)} pack folder (the built-in pack plus ${mib} MiB of external data with 16 MiB chunk hashes) copied into IndexedDB through the folder input, production build, headless Chromium.`,
      '',
      '| copy | rate | page long tasks: count, longest, total | renderer RSS, peak above start | page V8 heap (without ArrayBuffer contents), peak above start | load average (1 min) at the end |',
      '|---|---|---|---|---|---|',
      `| ${result.seconds} s | ${result.mbPerSecond} MB/s | ${result.mainThreadLongTasks}, ${result.mainThreadLongestTaskMs} ms, ${result.mainThreadLongTasksTotalMs} ms | ${mb(result.rendererRssPeakAboveBytes)} | ${mb(result.jsHeapPeakAboveBytes)} | ${result.loadAverage} |`,
      '',
    ].join('\n');
    writeFileSync(join(ROOT, `bench/results/folder-import-${day}.json`), JSON.stringify(result, null, 2) + '\n');
    writeFileSync(join(ROOT, `bench/results/folder-import-${day}.md`), md);
    console.log(md);
  } finally {
    await browser.close();
    await app.close();
    rmSync(resolve(folder, '..'), { recursive: true, force: true });
  }
}

await main();
