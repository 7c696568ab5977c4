/**
 * The machine a result belongs to, and what else was using its CPUs: a benchmark on a shared
 * machine is only comparable when the report says what ran beside it. Linux /proc where present.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { cpuDescription } from './cpuFeatures';

export interface OtherProcess {
  readonly pid: number;
  readonly command: string;
  /** Share of one core over the sampling window. */
  readonly cpuPercent: number;
}

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  /** The model and its vector extensions (P1 depends on them): "AMD EPYC · … avx2 fma (no AVX-512, no VNNI)". */
  readonly cpuDescription: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuDescription: cpuDescription(list[0]?.model.trim()),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** CPU ticks of every process (Linux), by pid. */
function cpuTicks(): Map<number, { ticks: number; command: string; ppid: number }> {
  const out = new Map<number, { ticks: number; command: string; ppid: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 120) || stat.slice(stat.indexOf('(') + 1, close);
      out.set(Number(entry), { ticks: Number(fields[11]) + Number(fields[12]), command, ppid: Number(fields[1]) });
    } catch {
      // The process ended while we read it.
    }
  }
  return out;
}

/** This process and its descendants (Chromium, its renderers, esbuild, Python). */
function ourTree(procs: Map<number, { ppid: number }>): Set<number> {
  const ours = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!ours.has(pid) && ours.has(p.ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  return ours;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux). */
const HZ = 100;

/**
 * Processes outside this benchmark's process tree that used more than `threshold` % of a core over
 * `windowMs` (e.g. a training run): sampled at the start and end of the bench.
 */
export async function otherLoad(windowMs = 1000, threshold = 5): Promise<OtherProcess[]> {
  const before = cpuTicks();
  if (before.size === 0) return [];
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = cpuTicks();
  const ours = ourTree(after);
  const hz = HZ;
  const busy: OtherProcess[] = [];
  for (const [pid, p] of after) {
    const start = before.get(pid);
    if (!start || ours.has(pid)) continue;
    const cpuPercent = ((p.ticks - start.ticks) / hz / (windowMs / 1000)) * 100;
    if (cpuPercent >= threshold) busy.push({ pid, command: p.command, cpuPercent: Math.round(cpuPercent) });
  }
  return busy.sort((a, b) => b.cpuPercent - a.cpuPercent);
}

/** CPU used by other processes over the whole bench: a noisy neighbour shows here even if it came and went. */
export interface OtherLoadSummary {
  /** Mean share of one core used by processes outside the bench, over the bench. */
  readonly meanCores: number;
  /** Largest share of one core in one sampling interval. */
  readonly peakCores: number;
  /** CPU seconds by command, largest first (over 1 s only). */
  readonly byCommand: { readonly command: string; readonly cpuSeconds: number }[];
}

/** Samples /proc every `intervalMs` until stopped (Linux; elsewhere it reports nothing). */
export function monitorOtherLoad(intervalMs = 2000): { stop(): OtherLoadSummary } {
  let previous = cpuTicks();
  const started = performance.now();
  let last = started;
  let peak = 0;
  const seconds = new Map<string, number>();
  const sample = () => {
    const now = cpuTicks();
    const at = performance.now();
    const ours = ourTree(now);
    let interval = 0;
    for (const [pid, p] of now) {
      const before = previous.get(pid);
      if (!before || ours.has(pid)) continue;
      const used = (p.ticks - before.ticks) / HZ;
      if (used <= 0) continue;
      interval += used;
      const command = p.command.split(' ').slice(0, 2).join(' ').slice(0, 80);
      seconds.set(command, (seconds.get(command) ?? 0) + used);
    }
    peak = Math.max(peak, interval / Math.max(0.001, (at - last) / 1000));
    previous = now;
    last = at;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const total = [...seconds.values()].reduce((a, b) => a + b, 0);
      return {
        meanCores: Math.round((total / Math.max(0.001, (performance.now() - started) / 1000)) * 100) / 100,
        peakCores: Math.round(peak * 100) / 100,
        byCommand: [...seconds.entries()]
          .filter(([, cpu]) => cpu > 1)
          .sort((a, b) => b[1] - a[1])
          .map(([command, cpu]) => ({ command, cpuSeconds: Math.round(cpu) })),
      };
    },
  };
}
