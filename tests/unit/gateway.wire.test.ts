// A merged cluster view survives server/wire's encoders: the extension fields
// (nodes = 1000, conflicts = 1001, KeyVizRow.contributing_nodes = 1000) round-trip
// through the generic GetKeyVizMatrixResponse codec and both fast decoders.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { GetKeyVizMatrixResponseSchema } from '../../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { mergeMatrices } from '../../server/gateway/merge.ts';
import type { MatrixAnswer, MatrixRow } from '../../server/sampler/types.ts';
import { decodeMatrixWire, encodeMatrixWire, toGenericResponse } from '../../server/wire/index.ts';

const enc = new TextEncoder();

function row(id: string, start: string, values: number[], terms: number[]): MatrixRow {
  return {
    meta: {
      bucketId: id,
      start: enc.encode(start),
      end: new Uint8Array(0),
      label: 'rawkv',
      aggregate: false,
      routeIds: [],
      routeCount: 1,
    },
    values: Float64Array.from(values),
    raftGroupIds: Float64Array.from(values.map(() => 4)),
    leaderTerms: Float64Array.from(terms),
  };
}

function merged(): MatrixAnswer {
  const a = (rows: MatrixRow[]): MatrixAnswer => ({
    columnUnixMs: [10, 20],
    rows,
    nodes: [],
    conflicts: [],
  });
  const m = mergeMatrices(
    [
      { node: 'n1:1', answer: a([row('route:1', 'a', [3, 1], [2, 2])]) },
      {
        node: 'n2:2',
        answer: a([row('route:1', 'a', [5, 1], [2, 2]), row('route:2', 'b', [0, 9], [2, 2])]),
      },
    ],
    { series: 2, fromUnixMs: 0, toUnixMs: 0, rows: 0 },
  );
  m.nodes = [
    { node: 'n1:1', ok: true, error: '', code: '', latencyMs: 4 },
    { node: 'n2:2', ok: true, error: '', code: '', latencyMs: 7 },
    {
      node: 'n3:3',
      ok: false,
      error: 'deadline_exceeded: upstream n3:3 did not answer',
      code: 'deadline_exceeded',
      latencyMs: 2000,
    },
  ];
  return m;
}

describe('gateway extension fields through server/wire', () => {
  it('encodeMatrixWire writes nodes, conflicts and contributing_nodes the generic codec reads', () => {
    const m = merged();
    const bytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(m));
    const g = fromBinary(GetKeyVizMatrixResponseSchema, bytes);
    expect(g.columnUnixMs).toEqual([10n, 20n]);
    expect(g.rows.map((r) => [r.bucketId, r.values, r.leaderTerms, r.contributingNodes])).toEqual([
      ['route:1', [5n, 1n], [2n, 2n], ['n1:1', 'n2:2']],
      ['route:2', [0n, 9n], [2n, 2n], ['n2:2']],
    ]);
    expect(g.conflicts.map((c) => [c.row, c.column, c.nodes])).toEqual([[0, 0, ['n1:1', 'n2:2']]]);
    expect(g.nodes.map((n) => [n.node, n.ok, n.code, n.error, n.latencyMs])).toEqual([
      ['n1:1', true, '', '', 4],
      ['n2:2', true, '', '', 7],
      ['n3:3', false, 'deadline_exceeded', 'deadline_exceeded: upstream n3:3 did not answer', 2000],
    ]);
    // The generic encoder agrees byte for byte.
    expect(toBinary(GetKeyVizMatrixResponseSchema, toGenericResponse(m))).toEqual(bytes);
  });

  it('the fast decoder reads them back, also after a wire-view pass-through', () => {
    const m = merged();
    const bytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(m));
    for (const back of [
      decodeMatrixWire(bytes),
      // The view the gateway passes through for one upstream reads the same.
      decodeMatrixWire(
        toBinary(
          GetKeyVizMatrixResponseWireSchema,
          fromBinary(GetKeyVizMatrixResponseWireSchema, bytes),
        ),
      ),
    ]) {
      expect(back.nodes).toEqual(m.nodes);
      expect(back.conflicts).toEqual(m.conflicts);
      expect(back.contributingNodes).toEqual(m.contributingNodes);
      expect(back.rows.map((r) => [...r.values])).toEqual(m.rows.map((r) => [...r.values]));
    }
  });
});
