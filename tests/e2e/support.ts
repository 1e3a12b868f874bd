// Shared helpers for the page's end-to-end tests: real servers, the page's own client (to
// compare what the page shows with what the server answers), canvas pixel probes and an
// in-flight request counter.
import type { Page } from '@playwright/test';
import { createAdminClient } from '../../src/api/client.ts';
import type { Matrix, Series } from '../../src/data/matrix.ts';
import { columnLayout, inferStepMs } from '../../src/data/raster.ts';

export const MATRIX_PATH = '/Admin/GetKeyVizMatrix';

/** Fetches the matrix the way the page does (Connect, binary), from Node. */
export function fetchMatrix(
  baseUrl: string,
  series: Series,
  rows: number,
  token?: string,
): Promise<Matrix> {
  const client = createAdminClient({ baseUrl, transport: 'connect', token: () => token });
  return client.getMatrix({ series, rows });
}

/** Non-transparent pixels in the heatmap canvas (0 = blank). */
export function canvasInk(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
    if (!c || c.width === 0 || c.height === 0) return 0;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  });
}

/**
 * Counts the page's matrix requests as the page sees them: a request is in flight from the
 * fetch call until it settles or its AbortSignal fires. `window.__kvDelay` (ms) slows every
 * answer so loads can overlap. Install before the page loads.
 */
export async function installFetchProbe(page: Page): Promise<void> {
  await page.addInitScript((path) => {
    const w = window as unknown as { __kv: ProbeStats; __kvDelay: number };
    w.__kv = { started: 0, inFlight: 0, maxInFlight: 0, aborted: 0, times: [] };
    w.__kvDelay = 0;
    const real = window.fetch.bind(window);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.includes(path)) return real(input, init);
      const st = w.__kv;
      st.started++;
      st.times.push(Date.now());
      st.inFlight++;
      st.maxInFlight = Math.max(st.maxInFlight, st.inFlight);
      let open = true;
      const close = () => {
        if (open) st.inFlight--;
        open = false;
      };
      init?.signal?.addEventListener('abort', () => {
        // connect-web also aborts its signal after a call completes: count only real aborts.
        if (open) st.aborted++;
        close();
      });
      const delay = w.__kvDelay;
      const go = delay > 0 ? new Promise((r) => setTimeout(r, delay)) : Promise.resolve();
      return go.then(() => real(input, init)).finally(close);
    };
  }, MATRIX_PATH);
}

export interface ProbeStats {
  started: number;
  inFlight: number;
  maxInFlight: number;
  aborted: number;
  times: number[];
}

export function probeStats(page: Page): Promise<ProbeStats> {
  return page.evaluate(() => (window as unknown as { __kv: ProbeStats }).__kv);
}

export function resetProbe(page: Page, delayMs = 0): Promise<void> {
  return page.evaluate((d) => {
    const w = window as unknown as { __kv: ProbeStats; __kvDelay: number };
    w.__kv = {
      started: 0,
      inFlight: w.__kv.inFlight,
      maxInFlight: w.__kv.inFlight,
      aborted: 0,
      times: [],
    };
    w.__kvDelay = d;
  }, delayMs);
}

/** Centre of cell (row, col) in page coordinates, from the matrix the page shows. */
export async function cellCentre(
  page: Page,
  m: Matrix,
  row: number,
  col: number,
): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('hover-layer').boundingBox();
  if (!box) throw new Error('no heatmap on the page');
  const { x0, x1 } = columnLayout(m.columns, inferStepMs(m.columns));
  const from = x0[0];
  const to = x1[m.colCount - 1];
  const mid = (x0[col] + x1[col]) / 2;
  return {
    x: box.x + ((mid - from) / (to - from)) * box.width,
    y: box.y + ((row + 0.5) / m.rowCount) * box.height,
  };
}

/** Waits until the heatmap has drawn at least once. */
export async function waitForHeatmap(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
    return !!c && Number(c.dataset.rendered ?? '0') > 0;
  });
}

/** The column count the header's summary shows ("N rows × M columns"); 0 before it does. */
export async function columnsShown(page: Page): Promise<number> {
  const text = (await page.getByTestId('summary').textContent()) ?? '';
  const m = /×\s*([\d,]+)\s*columns/.exec(text);
  return m ? Number(m[1].replace(/,/g, '')) : 0;
}

/**
 * The time-axis markers' words (their titles). A marker may stand for several events
 * (eventMarks.ts) and take a more telling kind's glyph, so look for an event by its words.
 */
export function markerTitles(page: Page): Promise<string[]> {
  return page
    .locator('.event-marker')
    .evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''));
}

/** Markers that say the server paused (a gap between flushes), alone or among others. */
export async function pauseMarkers(page: Page): Promise<number> {
  return (await markerTitles(page)).filter((t) => /no columns for|\d gaps?\b/.test(t)).length;
}
