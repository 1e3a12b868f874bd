// Server start-up: the same server run through tsx (TypeScript compiled at run time, the
// development path) and compiled once (dist-server/main.js, what `npm start` and production
// run; scripts/serverBuild.mjs). Ready = the KEYVIZ_READY line; RSS read from /proc then.
// No backfill and no history, so the figures are the process's own cost, not the workload's.
//   npm run bench -- startup
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';
// @ts-expect-error: plain JavaScript module without types (it runs without a TypeScript loader).
import { ensureServerBuilt } from '../scripts/serverBuild.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FLAGS = ['--listen', '127.0.0.1:0', '--grpcListen', '127.0.0.1:0', '--backfill', '0'];
const RUNS = 7;

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

function once(args: string[]): Promise<{ readyMs: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [...args, ...FLAGS, '--history', 'off'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (!out.includes('KEYVIZ_READY')) return;
      const readyMs = performance.now() - t0;
      // Settled a moment after ready (timers started, first flush not yet due).
      setTimeout(() => {
        const rssMb = rssKb(p.pid!) / 1024;
        p.kill();
        resolve({ readyMs, rssMb });
      }, 300);
    });
    p.once('exit', (code) => {
      if (!out.includes('KEYVIZ_READY')) reject(new Error(`server exited (${code}) before ready`));
    });
  });
}

export async function run(): Promise<void> {
  await ensureServerBuilt();
  const kinds: [string, string[]][] = [
    ['tsx (development)', ['--import', 'tsx', 'server/main.ts']],
    ['compiled (npm start, production)', ['dist-server/main.js']],
  ];
  const results: Record<string, { ready: number[]; rss: number[] }> = {};
  for (const [name] of kinds) results[name] = { ready: [], rss: [] };
  // Interleaved, so a change in machine load hits both alike.
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of kinds) {
      const r = await once(args);
      results[name].ready.push(r.readyMs);
      results[name].rss.push(r.rssMb);
    }
  }
  for (const [name] of kinds) {
    const { ready, rss } = results[name];
    console.log(
      `${name.padEnd(34)} ready ${median(ready).toFixed(0).padStart(5)} ms   RSS ${median(rss).toFixed(1).padStart(6)} MB   (medians of ${RUNS})`,
    );
  }
  const [a, b] = kinds.map(([n]) => results[n]);
  console.log(
    `compiled vs tsx: ready ${(median(b.ready) - median(a.ready)).toFixed(0)} ms, RSS ${(median(b.rss) - median(a.rss)).toFixed(1)} MB`,
  );
}
