// Issue 16: cache keys normalised to column boundaries. The local backend over a real Sampler
// and MatrixCache: a request whose `from` or `to` moves inside one column (the gap between two
// flushes) is the same answer, computed once; crossing a column boundary is a new answer. And
// the Connect JSON (generic) encoding counts towards the cache's byte bound.
import { describe, expect, it } from 'vitest';
import { createLocalBackend } from '../../server/backends/local.ts';
import { answerBytes } from '../../server/backends/answerMemo.ts';
import { SimulatedCluster } from '../../server/cluster/simulated.ts';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_WRITE, type MatrixRequest } from '../../server/sampler/types.ts';
import { genericBytes, matrixEncoders } from '../../server/rpc/handlers.ts';

const STEP = 60_000;
const T0 = 1_700_000_000_000;
const never = new AbortController().signal;

function setup() {
  const clock = new ManualClock(T0);
  const sampler = new Sampler({ clock, stepMs: STEP });
  const key = new TextEncoder().encode('k');
  for (let i = 1; i <= 20; i++) {
    sampler.registerRoute({
      id: i,
      start:
        i === 1 ? new Uint8Array(0) : new TextEncoder().encode(`r${String(i).padStart(3, '0')}`),
      end:
        i === 20
          ? new Uint8Array(0)
          : new TextEncoder().encode(`r${String(i + 1).padStart(3, '0')}`),
      label: '',
      raftGroupId: 1,
    });
  }
  // Columns at T0 + 1 min, + 2 min, ... + 10 min.
  for (let c = 0; c < 10; c++) {
    for (let i = 1; i <= 20; i++)
      for (let n = 0; n < ((i * 7 + c) % 5) + 1; n++) sampler.observe(i, key, OP_WRITE, 10);
    clock.advance(STEP);
    sampler.flush();
  }
  const cluster = new SimulatedCluster({
    nodeId: 'n1',
    grpcAddress: '127.0.0.1:1',
    groups: [1],
    seed: 1,
    clock,
  });
  const backend = createLocalBackend({ sampler, cluster, generation: () => 1 });
  return { backend, col: (j: number) => T0 + (j + 1) * STEP };
}

const req = (fromUnixMs: number, toUnixMs = 0): MatrixRequest => ({
  series: 2,
  fromUnixMs,
  toUnixMs,
  rows: 0,
});

describe('local backend answer cache: keys at column boundaries', () => {
  it('moving from or to inside one column is a hit; crossing a boundary is a miss', async () => {
    const { backend, col } = setup();
    // Columns 3.. : any `from` in (col(2), col(3)] selects the same columns.
    const a = await backend.getKeyVizMatrix(req(col(3)), never);
    expect(a.columnUnixMs[0]).toBe(col(3));
    for (const from of [col(3) - 1, col(2) + 1, col(3) - 30_000, col(2) + 59_999]) {
      expect(await backend.getKeyVizMatrix(req(from), never)).toBe(a);
    }
    expect(backend.cache.computed).toBe(1);
    // One ms later than col(3) drops that column: a different answer.
    const b = await backend.getKeyVizMatrix(req(col(3) + 1), never);
    expect(b).not.toBe(a);
    expect(b.columnUnixMs[0]).toBe(col(4));
    expect(backend.cache.computed).toBe(2);
    // `to` inside one column (exclusive bound): (col(6), col(7)] all end with column 6.
    const c = await backend.getKeyVizMatrix(req(col(3), col(7)), never);
    expect(await backend.getKeyVizMatrix(req(col(3) - 5, col(6) + 1), never)).toBe(c);
    expect(backend.cache.computed).toBe(3);
    expect(c.columnUnixMs.at(-1)).toBe(col(6));
  });

  it('the generic (Connect JSON) encoding counts towards the cache bytes', async () => {
    const { backend } = setup();
    const enc = matrixEncoders(backend);
    const a = await backend.getKeyVizMatrix(req(0), never);
    const before = answerBytes(a);
    const g = await enc.generic(req(0), never);
    expect(g.rows.length).toBe(a.rows.length);
    expect(answerBytes(a)).toBe(before + genericBytes(a));
    expect(backend.cache.bytes()).toBe(answerBytes(a));
    // Asked again: the same memoised message, no second build.
    expect(await enc.generic(req(0), never)).toBe(g);
    expect(answerBytes(a)).toBe(before + genericBytes(a));
  });
});
