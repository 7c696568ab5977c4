/**
 * Peak memory of the page as the operating system sees it: the resident set of the renderer process
 * that runs the page and its workers, sampled every few milliseconds through a generation, and its
 * high-water mark (VmHWM, reset before: `echo 5 > /proc/PID/clear_refs`). It includes the wasm
 * heap, which the page's own memory APIs cannot always see. Linux only; elsewhere null.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Chromium's renderer process ids (CDP SystemInfo). */
async function rendererPids(browser: Browser): Promise<number[]> {
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } finally {
    await session.detach();
  }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** RSS in kB of each renderer process now. */
export async function rendererRss(browser: Browser): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const pid of await rendererPids(browser).catch(() => [])) {
    const kb = statusKb(pid, 'VmRSS');
    if (kb !== null) out.set(pid, kb);
  }
  return out;
}

/**
 * The renderer of the page opened since `before` was taken: the one whose memory grew most (a page
 * running onnxruntime holds hundreds of MB; the spare renderer Chromium keeps ready, far less).
 */
export async function newestRenderer(browser: Browser, before: Map<number, number>): Promise<number | null> {
  let best: { pid: number; growth: number } | null = null;
  for (const [pid, kb] of await rendererRss(browser)) {
    const growth = kb - (before.get(pid) ?? 0);
    if (!best || growth > best.growth) best = { pid, growth };
  }
  return best?.pid ?? null;
}

/** Resets the process's peak RSS to its current RSS; false where that is not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples the process's RSS every `intervalMs` until stopped; resolves to the largest sample in
 * bytes. VmHWM alone is not enough: Linux updates it lazily, so right after a reset it can read
 * below the RSS seen in between.
 */
export function sampleRss(pid: number, intervalMs = 5): { stop(): number | null } {
  let max: number | null = null;
  const sample = () => {
    const kb = statusKb(pid, 'VmRSS');
    if (kb !== null) max = Math.max(max ?? 0, kb * 1024);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}

/** Peak and current RSS in bytes. */
export function rss(pid: number): { peak: number; current: number } | null {
  const peak = statusKb(pid, 'VmHWM');
  const current = statusKb(pid, 'VmRSS');
  return peak === null || current === null ? null : { peak: peak * 1024, current: current * 1024 };
}
