// The hot-keys panel's states in a real Chromium, each from the error the client gives (a fake
// client: the servers' answers are covered end to end in tests/e2e/hotkeys.spec.ts): no
// snapshot, unreachable, unimplemented, keyviz off, a bad answer; Escape closes; Retry asks again;
// a refresh with a new matrix object keeps the answer (no new request).
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import HotKeysPanel, { ADVICE } from '../../src/pages/keyviz/HotKeysPanel.tsx';
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

async function mount(get: HotKeysClient['get'], onClose = () => {}) {
  const m = matrix();
  const props = {
    sel: { cell: { bucketId: 'route:7', colMs: 120_000 }, range: null, top: 20 as const },
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
