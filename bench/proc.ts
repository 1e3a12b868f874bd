// Another process's CPU time and memory, read from /proc (Linux): the benches measure the
// server they spawned, not themselves.
import { readFileSync } from 'node:fs';

/** /proc/<pid>/stat counts in clock ticks of 10 ms (USER_HZ = 100). */
const TICK_MS = 10;

/** utime + stime of a process so far, ms. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces and parentheses): utime 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** Resident set size of a process now, MB (NaN when /proc does not say). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
