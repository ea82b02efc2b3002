// CPU time from /proc, per process and for the whole machine: what each part of a run cost, to say what limits it.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** /proc counts CPU time in clock ticks: USER_HZ, 100 a second on Linux. */
const MS_PER_TICK = 10;
export const CORES = cpus().length;

/** User + system CPU time a process has used, or undefined once it is gone. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of every core together. */
function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy * MS_PER_TICK, total: (busy + idle + iowait) * MS_PER_TICK };
}

export interface CpuSample {
  at: number;
  machine: { busy: number; total: number };
  self: number;
  pids: Map<number, number>;
}

/** CPU time so far of `pids`, this process and the machine. */
export function sampleCpu(pids: number[]): CpuSample {
  const seen = new Map<number, number>();
  for (const pid of pids) {
    const used = processCpuMs(pid);
    if (used !== undefined) seen.set(pid, used);
  }
  const self = process.cpuUsage();
  return {
    at: performance.now(),
    machine: machineCpuMs(),
    self: (self.user + self.system) / 1000,
    pids: seen,
  };
}

/** CPU ms `pids` spent between two samples; a process first seen in `after` started in between and counts whole. */
export function spentBy(before: CpuSample, after: CpuSample, pids: number[]): number {
  let total = 0;
  for (const pid of new Set(pids)) {
    const end = after.pids.get(pid);
    if (end !== undefined) total += end - (before.pids.get(pid) ?? 0);
  }
  return total;
}
