// Traffic patterns as densities over the unit key-space coordinate u (see
// catalogue.ts). Each pattern emits one time slice [t0, t1) of traffic; rates
// are "requests per ordinary route per step", so they survive splits, merges
// and any --routes count. All randomness comes from seeded streams.
import { OP_READ as READ_OP, OP_WRITE as WRITE_OP, type Op } from '../sampler/types.ts';
import type { Catalogue, CatalogueRoute } from './catalogue.ts';
import type { Emitter } from './emitter.ts';
import type { RegionName } from './keyspace.ts';
import { Rng, deriveSeed } from './prng.ts';

// Local copies: a bundler's live import bindings cost a getter call per use on the hot path.
const OP_READ: Op = READ_OP;
const OP_WRITE: Op = WRITE_OP;

export interface SliceContext {
  cat: Catalogue;
  seed: number;
  /** Slice start and end (unix ms); a backfill slice is one whole step. */
  t0: number;
  t1: number;
  stepMs: number;
}

export type Pattern = (ctx: SliceContext, em: Emitter) => void;

/** A part of the key space: a region, a fraction of a region, or the whole. */
export type Span = 'all' | RegionName | { region: RegionName | 'all'; from: number; to: number };

export interface Traffic {
  reads?: number;
  writes?: number;
  /** Mean value sizes in bytes. */
  readLen?: number;
  writeLen?: number;
}

const HOUR = 3_600_000;

export function resolveSpan(cat: Catalogue, span: Span): [number, number] {
  if (typeof span === 'string') return span === 'all' ? [0, 1] : cat.regionSpan(span);
  const [a, b] = span.region === 'all' ? [0, 1] : cat.regionSpan(span.region);
  return [a + (b - a) * span.from, a + (b - a) * span.to];
}

/** Visits every route overlapping [a, b) with the overlap measured in ordinary routes. */
function overlapping(
  cat: Catalogue,
  a: number,
  b: number,
  fn: (index: number, routes: number, r: CatalogueRoute) => void,
): void {
  if (!(b > a)) return;
  const list = cat.all();
  const n0 = cat.initialCount;
  for (let i = cat.indexAt(a); i < list.length && list[i].u0 < b; i++) {
    const r = list[i];
    const w = Math.min(r.u1, b) - Math.max(r.u0, a);
    if (w > 0) fn(i, w * n0, r);
  }
}

function emit(em: Emitter, i: number, weight: number, tr: Traffic): void {
  if (tr.writes) em.add(i, OP_WRITE, tr.writes * weight, tr.writeLen ?? 256);
  if (tr.reads) em.add(i, OP_READ, tr.reads * weight, tr.readLen ?? 256);
}

/** Daily rhythm: quiet around 02:00 UTC, busiest around 14:00 UTC. */
export function diurnal(t: number): number {
  const h = (t % (24 * HOUR)) / HOUR;
  return 1 + 0.4 * Math.sin((2 * Math.PI * (h - 8)) / 24);
}

/** Share of [t0, t1) that falls in windows [k*every + offset, k*every + offset + length). */
export function windowShare(
  t0: number,
  t1: number,
  every: number,
  length: number,
  offset = 0,
): number {
  if (!(t1 > t0)) return 0;
  let covered = 0;
  const first = Math.floor((t0 - offset) / every);
  for (let k = first; k * every + offset < t1; k++) {
    const s = k * every + offset;
    covered += Math.max(0, Math.min(t1, s + length) - Math.max(t0, s));
  }
  return covered / (t1 - t0);
}

/** An even-but-not-flat spread (or Zipf) over a span, optionally following the daily rhythm. */
export function spread(
  span: Span,
  tr: Traffic,
  opts: { zipf?: boolean; diurnal?: boolean } = {},
): Pattern {
  return (ctx, em) => {
    const [a, b] = resolveSpan(ctx.cat, span);
    const f = opts.diurnal ? diurnal((ctx.t0 + ctx.t1) / 2) : 1;
    if (!(b > a)) return;
    const { u0, u1, bg, zipf } = ctx.cat.dense();
    const dens = opts.zipf === true ? zipf : bg;
    const n0 = ctx.cat.initialCount;
    const w = (tr.writes ?? 0) * f;
    const rd = (tr.reads ?? 0) * f;
    const wl = tr.writeLen ?? 256;
    const rl = tr.readLen ?? 256;
    // The widest pattern (every route, every step): flat arrays, no callbacks.
    for (let i = ctx.cat.indexAt(a); i < u0.length && u0[i] < b; i++) {
      const routes = (Math.min(u1[i], b) - Math.max(u0[i], a)) * n0;
      if (routes <= 0) continue;
      // Densities integrate to 1 over u, so an average ordinary route gets ~1.
      const d = dens[i] * routes;
      if (w > 0) em.add(i, OP_WRITE, w * d, wl);
      if (rd > 0) em.add(i, OP_READ, rd * d, rl);
    }
  };
}

/** A flat band (a hot key range) while `when(t)` holds (a 0..1 share of the slice). */
export function band(span: Span, tr: Traffic, when?: (t0: number, t1: number) => number): Pattern {
  return (ctx, em) => {
    const share = when ? when(ctx.t0, ctx.t1) : 1;
    if (share <= 0) return;
    const [a, b] = resolveSpan(ctx.cat, span);
    overlapping(ctx.cat, a, b, (i, routes) => emit(em, i, routes * share, tr));
  };
}

/**
 * Sequential inserts: a write head sweeping the span once per period (a
 * diagonal). Each slice writes `writes` requests spread over the stretch the
 * head swept plus `headRoutes` behind it; recent rows are read back behind it.
 */
export function sequential(
  span: Span,
  o: {
    periodMs: number;
    writes: number;
    writeLen: number;
    headRoutes: number;
    tailReads: number;
    tailShare: number;
  },
): Pattern {
  return (ctx, em) => {
    const [a, b] = resolveSpan(ctx.cat, span);
    if (!(b > a)) return;
    const n0 = ctx.cat.initialCount;
    // Phase of t1 measured in t0's period: past 1 means the head restarted at the start.
    const base = Math.floor(ctx.t0 / o.periodMs) * o.periodMs;
    const x0 = (ctx.t0 - base) / o.periodMs;
    const x1 = (ctx.t1 - base) / o.periodMs;
    const p0 = x1 > 1 ? a : a + (b - a) * x0;
    const p1 = a + (b - a) * (x1 > 1 ? Math.min(1, x1 - 1) : x1);
    // At least `headRoutes` wide (a live slice sweeps almost nothing), but a
    // whole step never reaches back into the previous step's stretch.
    const lo = Math.max(a, Math.min(p0, p1 - o.headRoutes / n0));
    const hi = Math.max(p1, lo + 1e-9);
    const width = (hi - lo) * n0;
    overlapping(ctx.cat, lo, hi, (i, routes) =>
      em.add(i, OP_WRITE, (o.writes * routes) / width, o.writeLen),
    );
    const tail = (b - a) * o.tailShare;
    overlapping(ctx.cat, Math.max(a, p1 - tail), p1, (i, routes) =>
      em.add(i, OP_READ, o.tailReads * routes, 512),
    );
  };
}

/** Periodic batch jobs (vertical bands): every `everyMs`, for `forMs`, aligned to UTC. */
export function batch(
  span: Span,
  tr: Traffic,
  o: { everyMs: number; forMs: number; offsetMs?: number },
): Pattern {
  return band(span, tr, (t0, t1) => windowShare(t0, t1, o.everyMs, o.forMs, o.offsetMs ?? 0));
}

/**
 * Range scans: in every slot, `perSlot` scans each read a contiguous run of
 * routes for a few minutes. Positions come from (seed, slot), so live and
 * backfill agree and a scan spans several columns.
 */
export function scans(
  span: Span,
  o: {
    slotMs: number;
    perSlot: number;
    minRoutes: number;
    maxRoutes: number;
    reads: number;
    readLen: number;
  },
): Pattern {
  return (ctx, em) => {
    const [a, b] = resolveSpan(ctx.cat, span);
    if (!(b > a)) return;
    const n0 = ctx.cat.initialCount;
    for (let slot = Math.floor(ctx.t0 / o.slotMs); slot * o.slotMs < ctx.t1; slot++) {
      for (let j = 0; j < o.perSlot; j++) {
        const r = new Rng(deriveSeed(ctx.seed, slot, j, 0x5ca7));
        const start = slot * o.slotMs + r.int(o.slotMs / 2);
        const end = Math.min((slot + 1) * o.slotMs, start + o.slotMs * (0.2 + 0.4 * r.float()));
        const overlap = Math.min(end, ctx.t1) - Math.max(start, ctx.t0);
        if (overlap <= 0) continue;
        const len = Math.min(b - a, r.range(o.minRoutes, o.maxRoutes) / n0);
        const u = a + (b - a - len) * r.float();
        const share = overlap / (ctx.t1 - ctx.t0);
        overlapping(ctx.cat, u, u + len, (i, routes) =>
          em.add(i, OP_READ, o.reads * routes * share, o.readLen),
        );
      }
    }
  };
}

/**
 * A hot spot that appears at `from` (a share of each cycle), drifts across
 * the span to a seeded destination, and vanishes at `to`.
 */
export function movingHotspot(
  span: Span,
  tr: Traffic,
  o: { cycleMs: number; from: number; to: number; sigmaRoutes: number },
): Pattern {
  return (ctx, em) => {
    const t = (ctx.t0 + ctx.t1) / 2;
    const cycle = Math.floor(t / o.cycleMs);
    const phase = (t - cycle * o.cycleMs) / o.cycleMs;
    if (phase < o.from || phase >= o.to) return;
    const [a, b] = resolveSpan(ctx.cat, span);
    if (!(b > a)) return;
    const r = new Rng(deriveSeed(ctx.seed, cycle, 0x4075));
    const c0 = a + (b - a) * (0.05 + 0.3 * r.float());
    const c1 = a + (b - a) * (0.65 + 0.3 * r.float());
    const dir = r.float() < 0.5;
    const x = (phase - o.from) / (o.to - o.from);
    const c = dir ? c0 + (c1 - c0) * x : c1 + (c0 - c1) * x;
    const sigma = o.sigmaRoutes / ctx.cat.initialCount;
    overlapping(ctx.cat, c - 3 * sigma, c + 3 * sigma, (i, routes, rt) => {
      const m = (Math.max(rt.u0, c - 3 * sigma) + Math.min(rt.u1, c + 3 * sigma)) / 2;
      const g = Math.exp(-0.5 * ((m - c) / sigma) ** 2);
      emit(em, i, routes * g, tr);
    });
  };
}

/** Share of [t0, t1) inside the daily UTC hours [fromHour, toHour). */
export function dailyHours(fromHour: number, toHour: number): (t0: number, t1: number) => number {
  return (t0, t1) => windowShare(t0, t1, 24 * HOUR, (toHour - fromHour) * HOUR, fromHour * HOUR);
}
