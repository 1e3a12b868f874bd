// Shared helpers for the page's end-to-end tests: real servers, the page's own client (to
// compare what the page shows with what the server answers), canvas pixel probes and an
// in-flight request counter.
import type { Page, Request } from '@playwright/test';
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

/** Counts matrix requests and the most that were ever in flight at once. */
export function trackMatrixRequests(page: Page) {
  const stats = { started: 0, inFlight: 0, maxInFlight: 0, times: [] as number[] };
  const live = new Set<Request>();
  const done = (r: Request) => {
    if (live.delete(r)) stats.inFlight = live.size;
  };
  page.on('request', (r) => {
    if (!r.url().includes(MATRIX_PATH)) return;
    live.add(r);
    stats.started++;
    stats.times.push(Date.now());
    stats.inFlight = live.size;
    stats.maxInFlight = Math.max(stats.maxInFlight, live.size);
  });
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return stats;
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
