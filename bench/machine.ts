/**
 * The machine a result belongs to, and what else was using its CPUs: a benchmark on a shared
 * machine is only comparable when the report says what ran beside it. Linux /proc where present.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface OtherProcess {
  readonly pid: number;
  readonly command: string;
  /** Share of one core over the sampling window. */
  readonly cpuPercent: number;
}

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
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

/**
 * Processes outside this benchmark's process tree that used more than `threshold` % of a core over
 * `windowMs` (e.g. a training run): sampled at the start and end of the bench.
 */
export async function otherLoad(windowMs = 1000, threshold = 5): Promise<OtherProcess[]> {
  const before = cpuTicks();
  if (before.size === 0) return [];
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = cpuTicks();
  const ours = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of after) {
      if (!ours.has(pid) && ours.has(p.ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  const hz = 100;
  const busy: OtherProcess[] = [];
  for (const [pid, p] of after) {
    const start = before.get(pid);
    if (!start || ours.has(pid)) continue;
    const cpuPercent = ((p.ticks - start.ticks) / hz / (windowMs / 1000)) * 100;
    if (cpuPercent >= threshold) busy.push({ pid, command: p.command, cpuPercent: Math.round(cpuPercent) });
  }
  return busy.sort((a, b) => b.cpuPercent - a.cpuPercent);
}
