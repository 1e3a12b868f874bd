// Helpers for the explore e2e tests: canvas pixel probes (in the page), decoded matrix requests,
// the URL's zoom, and cells picked from the matrix the server answers.
import { fromBinary } from '@bufbuild/protobuf';
import type { Page } from '@playwright/test';
import { GetKeyVizMatrixRequestSchema } from '../../src/gen/admin_pb.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { parseViewState, type ZoomState } from '../../src/data/urlState.ts';
import { MATRIX_PATH } from './support.ts';

export type Rgba = [number, number, number, number];

export function luminance([r, g, b]: Rgba): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function colourDistance(a: Rgba, b: Rgba): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

/** The heat canvas pixel under a page point (CSS px). */
export function pixelAt(page: Page, x: number, y: number): Promise<Rgba> {
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
      const r = c.getBoundingClientRect();
      const k = c.width / r.width;
      const d = c
        .getContext('2d')!
        .getImageData(Math.floor((px - r.left) * k), Math.floor((py - r.top) * k), 1, 1).data;
      return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
    },
    [x, y],
  );
}

/** Device pixels of the same colour connected (4-way) to the one under a page point. */
export function floodArea(page: Page, x: number, y: number): Promise<number> {
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
      const r = c.getBoundingClientRect();
      const k = c.width / r.width;
      const w = c.width;
      const h = c.height;
      const d = new Uint32Array(c.getContext('2d')!.getImageData(0, 0, w, h).data.buffer);
      const sx = Math.floor((px - r.left) * k);
      const sy = Math.floor((py - r.top) * k);
      const want = d[sy * w + sx];
      const seen = new Uint8Array(w * h);
      const stack = [sy * w + sx];
      seen[stack[0]] = 1;
      let n = 0;
      while (stack.length) {
        const i = stack.pop()!;
        n++;
        const cx = i % w;
        const cy = (i - cx) / w;
        const next = [
          cx > 0 ? i - 1 : -1,
          cx < w - 1 ? i + 1 : -1,
          cy > 0 ? i - w : -1,
          cy < h - 1 ? i + w : -1,
        ];
        for (const j of next) {
          if (j >= 0 && !seen[j] && d[j] === want) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
      return n;
    },
    [x, y],
  );
}

/** Keeps a copy of the canvas in the page (for comparing with a later frame). */
export function snapCanvas(page: Page): Promise<void> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    (window as unknown as { __snap: Uint32Array }).__snap = new Uint32Array(
      c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.buffer,
    );
  });
}

/** Fraction of pixels equal to the kept copy (0 when the size changed). */
export function sameAsSnap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const a = (window as unknown as { __snap: Uint32Array }).__snap;
    const b = new Uint32Array(
      c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.buffer,
    );
    if (a.length !== b.length) return 0;
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return same / a.length;
  });
}

export function renderCount(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')?.dataset.rendered ?? 0),
  );
}

export interface SeenRequest {
  fromMs: number;
  toMs: number;
  rows: number;
}

/** Records every matrix request the page sends, decoded (Connect binary). */
export function recordRequests(page: Page): SeenRequest[] {
  const seen: SeenRequest[] = [];
  page.on('request', (r) => {
    if (!r.url().includes(MATRIX_PATH)) return;
    const body = r.postDataBuffer();
    if (!body) return;
    const q = fromBinary(GetKeyVizMatrixRequestSchema, new Uint8Array(body));
    seen.push({ fromMs: Number(q.fromUnixMs), toMs: Number(q.toUnixMs), rows: q.rows });
  });
  return seen;
}

export function zoomOfUrl(url: string): ZoomState | null {
  return parseViewState(new URL(url).search).zoom;
}

/** The largest cell at least `margin` cells away from every edge. */
export function interiorMax(m: Matrix, margin: number): { row: number; col: number; v: number } {
  let best = { row: -1, col: -1, v: -1 };
  for (let r = margin; r < m.rowCount - margin; r++) {
    for (let c = margin; c < m.colCount - margin; c++) {
      const v = m.values[r * m.colCount + c];
      if (v > best.v) best = { row: r, col: c, v };
    }
  }
  return best;
}

/** A cell whose value is nearest `target`, at least `margin` cells from the edges. */
export function cellNear(
  m: Matrix,
  target: number,
  margin = 1,
): { row: number; col: number; v: number } {
  let best = { row: -1, col: -1, v: -1 };
  let err = Infinity;
  for (let r = margin; r < m.rowCount - margin; r++) {
    for (let c = margin; c < m.colCount - margin; c++) {
      const v = m.values[r * m.colCount + c];
      if (v <= 0) continue;
      const e = Math.abs(Math.log(v) - Math.log(target));
      if (e < err) {
        err = e;
        best = { row: r, col: c, v };
      }
    }
  }
  return best;
}
