// The hot-keys panel's states in a real Chromium, each from the error the client gives (a fake
// client: the servers' answers are covered end to end in tests/e2e/hotkeys.spec.ts): no
// snapshot, unreachable, unimplemented, keyviz off, a bad answer; Escape closes; Retry asks again;
// a refresh with a new matrix object keeps the answer (no new request).
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import HotKeysPanel, { ADVICE } from '../../src/pages/keyviz/HotKeysPanel.tsx';
import { WINDOW_GONE } from '../../src/pages/keyviz/hotKeysNotes.ts';
import type { TopN } from '../../src/pages/keyviz/hotKeysUrl.ts';
import { HotKeysError, type HotKeysClient } from '../../src/api/hotKeysClient.ts';
import type { HotKeys } from '../../src/data/hotKeys.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { columnEdges } from '../../src/data/view/gaps.ts';

function matrix(): Matrix {
  const columns = Float64Array.from([60_000, 120_000]);
  return {
    series: 'writes',
    columns,
    rows: [
      {
        bucketId: 'route:7',
        start: new Uint8Array([0x61]),
        end: new Uint8Array([0x62]),
        label: '',
        aggregate: false,
        routeIds: [],
        routeIdsTruncated: false,
        routeCount: '1',
        total: 400,
        contributingNodes: [],
      },
    ],
    rowCount: 1,
    colCount: 2,
    values: Float64Array.from([100, 300]),
    raftGroupIds: null,
    leaderTerms: null,
    max: 300,
    nodes: [],
    conflicts: null,
  };
}

const answer: HotKeys = {
  routeId: '7',
  label: '',
  subBucket: null,
  keys: [
    { key: new Uint8Array([0x61, 0x1b, 0x5b]), keyB64: 'YRtb', count: 18446744073709551600n },
    { key: new TextEncoder().encode('a/2'), keyB64: 'YS8y', count: 16n },
  ],
  approximate: true,
  sampleRate: 16,
  sampledN: 30n,
  droppedSamples: 4n,
  skippedLongKeys: 0n,
  degraded: true,
  errorBound: 7n,
  snapshotAtMs: 120_000,
  window: { fromMs: 60_000, toMs: 120_000, inferred: false },
  capacity: 64,
  nodes: [],
};

async function mount(get: HotKeysClient['get'], onClose = () => {}, top: TopN = 20) {
  const m = matrix();
  const props = {
    sel: { cell: { bucketId: 'route:7', colMs: 120_000 }, range: null, top },
    matrix: m,
    edges: columnEdges(m.columns, 60_000),
    stepMs: 60_000,
    baseUrl: '',
    source: 'connect' as const,
    onTop: () => {},
    onClose,
    client: { get },
  };
  return { props, screen: await render(<HotKeysPanel {...props} />) };
}

describe('HotKeysPanel states', () => {
  it.each([
    ['no_snapshot', 'NotFound'],
    ['unreachable', 'Unavailable'],
    ['unimplemented', 'Unimplemented'],
    ['keyviz_disabled', 'Unavailable'],
    ['bad_response', 'bad_response'],
  ] as const)('%s says what happened and what to do', async (kind, code) => {
    let calls = 0;
    const { screen } = await mount(async () => {
      calls++;
      throw new HotKeysError(kind, `the server said ${kind}`, code);
    });
    const region = screen.getByRole('region', { name: 'Hot keys' });
    await expect.element(region).toHaveAttribute('data-state', kind);
    await expect.element(screen.getByRole('alert')).toHaveTextContent(ADVICE[kind].title);
    await expect.element(screen.getByRole('alert')).toHaveTextContent(ADVICE[kind].todo);
    await screen.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => calls).toBe(2);
  });

  it('shows exact counts, safe keys, shares, the approximation and the degraded note', async () => {
    const asked: unknown[] = [];
    const { screen, props } = await mount(async (req) => {
      asked.push(req);
      return answer;
    });
    const region = screen.getByRole('region', { name: 'Hot keys' });
    await expect.element(region).toHaveAttribute('data-state', 'ok');
    const rows = screen.getByRole('row');
    await expect.element(rows.nth(1)).toHaveTextContent('18,446,744,073,709,551,600');
    await expect.element(rows.nth(1)).toHaveTextContent('a\\x1b[');
    await expect.element(rows.nth(2)).toHaveTextContent('5.3%'); // 16 of the cell's 300
    await expect.element(screen.getByTestId('hk-degraded')).toHaveTextContent('4 samples dropped');
    await expect.element(screen.getByTestId('hk-approx')).toHaveTextContent('1 in 16 writes');
    expect(asked).toEqual([
      { routeId: '7', label: '', subBucket: null, top: 20, fromMs: 120_000, toMs: 120_001 },
    ]);
    // Auto refresh: a new matrix object with the same bucket and column asks nothing new.
    await screen.rerender(<HotKeysPanel {...props} matrix={{ ...props.matrix }} />);
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toHaveLength(1);
  });

  it('says so when the keys describe another window', async () => {
    const { screen } = await mount(async () => ({
      ...answer,
      window: { fromMs: 600_000, toMs: 660_000, inferred: true },
    }));
    await expect.element(screen.getByTestId('hk-window-note')).toHaveTextContent('not the window');
  });

  it('a window no longer held: shows the latest, says which and why', async () => {
    const asked: unknown[] = [];
    const { screen } = await mount(async (req) => {
      asked.push(req);
      if (req.fromMs) throw new HotKeysError('out_of_window', 'not held', 'OutOfRange');
      return { ...answer, window: { fromMs: 600_000, toMs: 660_000, inferred: false } };
    });
    const note = screen.getByTestId('hk-window-note');
    await expect.element(note).toHaveTextContent('the latest window the node holds');
    await expect.element(note).toHaveTextContent('no longer holds keys for the clicked column');
    await expect.element(note).toHaveTextContent(WINDOW_GONE);
    expect(asked).toHaveLength(2);
    await expect.element(screen.getByTestId('hk-table')).toBeVisible();
  });

  it.each([
    [256, 64, 'at most 64 keys tracked per bucket'],
    // A node's answer has no capacity: the count returned vs asked.
    [256, null, '2 returned of 256 asked'],
    // Two keys for Top 20 from a 64-key sketch: a quiet bucket, nothing to say.
    [20, 64, ''],
  ] as const)('Top %i, capacity %s: beside the picker "%s"', async (top, capacity, note) => {
    const { screen } = await mount(
      async () => ({ ...answer, capacity }),
      () => {},
      top,
    );
    await expect.element(screen.getByTestId('hk-table')).toBeVisible();
    if (note) await expect.element(screen.getByTestId('hk-top-note')).toHaveTextContent(note);
    else await expect.element(screen.getByTestId('hk-top-note')).not.toBeInTheDocument();
  });

  it('Escape closes', async () => {
    let closed = 0;
    const { screen } = await mount(
      async () => answer,
      () => closed++,
    );
    (screen.getByLabelText('Top').element() as HTMLElement).focus();
    await userEvent.keyboard('{Escape}');
    expect(closed).toBe(1);
  });
});

/** `n` route rows of one key each ('k00', 'k01', …), with these totals, over these columns. */
function rangeMatrix(totals: number[], columns: number[]): Matrix {
  const hex = (i: number) => new TextEncoder().encode(`k${String(i).padStart(2, '0')}`);
  return {
    ...matrix(),
    columns: Float64Array.from(columns),
    rows: totals.map((total, i) => ({
      ...matrix().rows[0],
      bucketId: `route:${i + 1}`,
      start: hex(i),
      end: hex(i + 1),
      total,
    })),
    rowCount: totals.length,
    colCount: columns.length,
    values: new Float64Array(totals.length * columns.length).fill(1),
  };
}

describe('HotKeysPanel over a range', () => {
  it('leaves out keys outside the range and says how many', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const b64 = (k: Uint8Array) => btoa(String.fromCharCode(...k));
    const hk = (s: string, count: bigint) => ({ key: enc(s), keyB64: b64(enc(s)), count });
    // Rows k00..k03; the range is [k01, k02x): route:1 reaches below it, route:3 above.
    const m = rangeMatrix([10, 20, 30, 40], [60_000, 120_000]);
    const get: HotKeysClient['get'] = async (req) => ({
      ...answer,
      degraded: false,
      droppedSamples: 0n,
      keys:
        req.routeId === '2'
          ? [hk('k01', 5n), hk('k00z', 900n)]
          : req.routeId === '3'
            ? [hk('k02a', 7n), hk('k02x', 800n), hk('k02z', 700n)]
            : [],
    });
    const screen = await render(
      <HotKeysPanel
        sel={{
          cell: null,
          range: { fromMs: 0, toMs: 120_000, startKeyHex: '6b3031', endKeyHex: '6b303278' },
          top: 20,
        }}
        matrix={m}
        edges={columnEdges(m.columns, 60_000)}
        stepMs={60_000}
        baseUrl=""
        source="connect"
        onTop={() => {}}
        onClose={() => {}}
        client={{ get }}
      />,
    );
    await expect.element(screen.getByTestId('hk-table')).toBeVisible();
    const keys = screen.getByRole('row');
    await expect.element(keys.nth(1)).toHaveTextContent('k02a');
    await expect.element(keys.nth(2)).toHaveTextContent('k01');
    expect(screen.getByRole('row').elements()).toHaveLength(3);
    await expect
      .element(screen.getByTestId('hk-outside'))
      .toHaveTextContent("Left out 3 keys outside the range's keys");
  });

  it('a refresh with new totals and a slid window keeps the capped range (no new request)', async () => {
    const asked: { routeId: string; fromMs?: number; toMs?: number }[] = [];
    const get: HotKeysClient['get'] = async (req) => {
      asked.push(req);
      return { ...answer, routeId: req.routeId, degraded: false, droppedSamples: 0n };
    };
    // 40 routes, more than one range asks (32): the busiest are asked.
    const totals = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const m = rangeMatrix(totals, [60_000, 120_000, 180_000]);
    const range = { fromMs: 0, toMs: 180_000 };
    const props = {
      sel: { cell: null, range, top: 20 as const },
      matrix: m,
      edges: columnEdges(m.columns, 60_000),
      stepMs: 60_000,
      baseUrl: '',
      source: 'connect' as const,
      onTop: () => {},
      onClose: () => {},
      client: { get },
    };
    const screen = await render(<HotKeysPanel {...props} />);
    const region = screen.getByRole('region', { name: 'Hot keys of this range' });
    await expect.element(region).toHaveAttribute('data-state', 'ok');
    expect(asked).toHaveLength(32);
    const first = new Set(asked.map((a) => a.routeId));
    // The busiest 32: routes 9..40.
    expect(first.has('40') && !first.has('8')).toBe(true);
    expect(asked[0]).toMatchObject({ fromMs: 60_000, toMs: 180_001 });

    // Auto refresh: traffic moved (the quietest are now the busiest) and the loaded window slid
    // one step (column 60 s gone, 240 s new). The range asked is the same: nothing is asked again.
    const m2 = rangeMatrix(
      totals.map((t) => 3000 - t),
      [120_000, 180_000, 240_000],
    );
    await screen.rerender(
      <HotKeysPanel {...props} matrix={m2} edges={columnEdges(m2.columns, 60_000)} />,
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(asked).toHaveLength(32);
    await expect.element(region).toHaveAttribute('data-state', 'ok');
    await expect.element(screen.getByTestId('hk-table')).toBeVisible();

    // Another range is another question.
    await screen.rerender(
      <HotKeysPanel
        {...props}
        sel={{ cell: null, range: { fromMs: 60_000, toMs: 240_000 }, top: 20 }}
        matrix={m2}
        edges={columnEdges(m2.columns, 60_000)}
      />,
    );
    await expect.poll(() => asked.length).toBe(64);
  });
});
