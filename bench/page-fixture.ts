// A full-size synthetic GetKeyVizMatrixResponse for the page benchmarks, encoded by hand (the
// generic encoder needs ~0.5 s per array at this size). Deterministic: same seed, same bytes.

import { Rng } from '../server/workload/prng.ts';

export interface PageFixture {
  bytes: Uint8Array;
  rows: number;
  cols: number;
  hotRow: number;
  hotCol: number;
}

class Writer {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  varint(v: number): void {
    this.room(10);
    // Exact for v < 2^53: peel 7 bits with division (no 32-bit truncation).
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  tag(field: number, wt: number): void {
    this.varint(field * 8 + wt);
  }
  ld(field: number, payload: Uint8Array): void {
    this.tag(field, 2);
    this.varint(payload.length);
    this.bytes(payload);
  }
  packed(field: number, vals: ArrayLike<number>): void {
    const w = new Writer();
    for (let i = 0; i < vals.length; i++) w.varint(vals[i]);
    this.ld(field, w.done());
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Seeded uniform floats in [0, 1): same seed, same bytes. */
function rng(seed: number): () => number {
  const gen = new Rng(seed);
  return () => gen.float();
}

/**
 * rows x cols: mostly light traffic (1-3 byte varints), a hot band, a diagonal, ~30% zeros and
 * one outstanding hot cell; raft ids and terms like a real node sends them.
 */
export function buildPageFixture(rows = 1024, cols = 1440, seed = 1): PageFixture {
  const r = rng(seed);
  const enc = new TextEncoder();
  const hotRow = Math.floor(rows * 0.37);
  const hotCol = Math.floor(cols * 0.61);
  const top = new Writer();
  const colVals = new Float64Array(cols);
  for (let c = 0; c < cols; c++)
    colVals[c] = 1_763_000_000_000 + c * 60_000 + Math.floor(r() * 900);
  top.packed(1, colVals);
  const values = new Float64Array(cols);
  const raft = new Float64Array(cols);
  const terms = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = new Writer();
    row.ld(1, enc.encode(`route:${i + 1}`));
    row.ld(2, enc.encode(`user/${String(i).padStart(6, '0')}`));
    row.ld(3, enc.encode(`user/${String(i + 1).padStart(6, '0')}`));
    row.ld(4, enc.encode('redis'));
    row.tag(8, 0);
    row.varint(1);
    const band = Math.abs(i - rows / 2) < rows / 40;
    const group = 1 + (i % 97);
    for (let c = 0; c < cols; c++) {
      const k = r();
      let v = k < 0.3 ? 0 : Math.floor(Math.exp(r() * 7)); // 1..~1100
      if (band) v += 5000 + Math.floor(r() * 5000);
      if (Math.abs(i - Math.floor((c / cols) * rows)) < 2) v += 20_000;
      values[c] = v;
      raft[c] = group;
      terms[c] = 3 + Math.floor(c / 500);
    }
    if (i === hotRow) values[hotCol] = 5_000_000_000;
    row.packed(11, values);
    row.packed(13, raft);
    row.packed(14, terms);
    top.ld(2, row.done());
  }
  return { bytes: top.done(), rows, cols, hotRow, hotCol };
}
