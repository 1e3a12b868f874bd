// The default page (`npm start`'s server: a day of one-minute columns, a leader change in nearly
// every column) draws its time-axis markers without overlap: close ones share a marker with a
// count, every event is still counted, and splits, merges and gaps keep their own glyphs.
import { expect, test } from '@playwright/test';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer([], { readyTimeoutMs: 60_000 });
});

test.afterAll(() => s?.stop());

test('time-axis markers do not overlap; the events are all counted; kinds stay apart', async ({
  page,
}) => {
  await page.goto(s.keyviz);
  await waitForHeatmap(page);
  const group = page.getByTestId('event-markers');
  await expect(group).toHaveAttribute('aria-label', /^\d+ events in view: /);
  const events = Number(/^(\d+) events/.exec((await group.getAttribute('aria-label'))!)![1]);
  expect(events).toBeGreaterThan(100);

  const marks = await page.locator('.event-marker').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        left: r.left,
        right: r.right,
        count: Number(el.getAttribute('data-count')),
        kind: el.getAttribute('data-kind'),
        title: el.getAttribute('title') ?? '',
      };
    }),
  );
  // Fewer markers than events, each event counted once.
  expect(marks.length).toBeLessThan(events / 2);
  expect(marks.reduce((n, m) => n + m.count, 0)).toBe(events);
  // No two overlap.
  marks.sort((a, b) => a.left - b.left);
  for (let i = 1; i < marks.length; i++) {
    expect(marks[i].left, `marker ${i}`).toBeGreaterThanOrEqual(marks[i - 1].right);
  }
  // A marker standing for a split, merge or gap is drawn as one, never as a leader change.
  const routeOrGap = marks.filter((m) => /split into|merged into|no columns for/.test(m.title));
  expect(routeOrGap.length).toBeGreaterThan(0);
  for (const m of routeOrGap) expect(m.kind).not.toBe('leader');
  // A counted marker says how many of which kinds, when, and to zoom in.
  const cluster = marks.find((m) => m.count > 1)!;
  expect(cluster.title).toMatch(
    new RegExp(`^(${cluster.count} leader changes|${cluster.count} events) (between|at) .*zoom in`),
  );
  await page.locator('.event-marker.cluster').first().hover();
  await expect(page.getByTestId('event-tip')).toContainText('zoom in to tell them apart');
});
