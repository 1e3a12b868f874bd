// The page shows every digit of a uint64 and escapes labels and bucket ids like keys
// (issue 12, defects 2 and 6): the server's encoded answer is decoded by the page's own
// decoder, then formatted by the flyout's and the CSV export's code.
import { describe, expect, it } from 'vitest';
import { toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { encodeMatrixWire } from '../../server/wire/encode-matrix.ts';
import type { MatrixAnswer } from '../../server/sampler/types.ts';
import { decodeMatrixBytes } from '../../src/api/decodeMatrix.ts';
import { cellDigits } from '../../src/data/format.ts';
import { displayText } from '../../src/data/keys.ts';
import { matrixToCsv } from '../../src/data/view/exportView.ts';
import { columnEdges } from '../../src/data/view/index.ts';
import { cellInfo } from '../../src/pages/keyviz/cellInfo.ts';

const MAX = (1n << 64n) - 1n;
const BIG = (1n << 53n) + 1n;

function answer(label: string, bucketId: string): MatrixAnswer {
  const values = Float64Array.from([Number(MAX), Number(BIG), 1234]);
  return {
    columnUnixMs: [60_000, 120_000, 180_000],
    rows: [
      {
        meta: {
          bucketId,
          start: new Uint8Array(),
          end: new Uint8Array(),
          label,
          aggregate: false,
          routeIds: [],
          routeCount: 1,
        },
        values,
        exactValues: new Map([
          [0, MAX],
          [1, BIG],
        ]),
        raftGroupIds: Float64Array.from([1, 1, 1]),
        leaderTerms: Float64Array.from([2, 2, 2]),
      },
    ],
    nodes: [],
    conflicts: [],
  };
}

function pageMatrix(a: MatrixAnswer) {
  const bytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(a));
  return decodeMatrixBytes(bytes, 'writes');
}

describe('uint64 on the page', () => {
  it('keeps the exact digits of cells at or above 2^53 next to the doubles it draws', () => {
    const m = pageMatrix(answer('redis', 'route:1'));
    expect(m.values[0]).toBe(2 ** 64); // the nearest double, for scaling only
    expect(cellDigits(m, 0)).toBe('18446744073709551615');
    expect(cellDigits(m, 1)).toBe('9007199254740993');
    expect(cellDigits(m, 2)).toBe('1234');
    expect(m.exactValues?.size).toBe(2);
  });

  it('flyout and CSV show every digit', () => {
    const m = pageMatrix(answer('redis', 'route:1'));
    const edges = columnEdges(m.columns, 60_000);
    expect(cellInfo(m, edges, 0, 0).exact).toBe('18,446,744,073,709,551,615 ops');
    expect(cellInfo(m, edges, 0, 1).exact).toBe('9,007,199,254,740,993 ops');
    const csv = matrixToCsv(m, null, 60_000);
    expect(csv.split('\r\n')[1]).toBe('route:1,,,redis,18446744073709551615,9007199254740993,1234');
    expect(csv).not.toContain('18446744073709552000');
  });
});

describe('labels and bucket ids are escaped like keys', () => {
  const nasty = 'dyn\u202Eamo\u200B\u0000\u0007';
  it('displayText escapes bidi overrides, zero-width, NUL and BEL, and leaves plain text', () => {
    expect(displayText(nasty)).toBe('dyn\\u{202e}amo\\u{200b}\\x00\\x07');
    expect(displayText('redis')).toBe('redis');
    expect(displayText('route:12')).toBe('route:12');
    expect(displayText('a\\b')).toBe('a\\\\b');
  });

  it('in the flyout and the CSV export', () => {
    const m = pageMatrix(answer(nasty, 'route:\u202E1'));
    const info = cellInfo(m, columnEdges(m.columns, 60_000), 0, 2);
    expect(info.label).toBe('dyn\\u{202e}amo\\u{200b}\\x00\\x07');
    expect(info.bucketId).toBe('route:\\u{202e}1');
    const line = matrixToCsv(m, null, 60_000).split('\r\n')[1];
    expect(line).toContain('dyn\\u{202e}amo\\u{200b}\\x00\\x07');
    expect(line).toContain('route:\\u{202e}1');
    for (const raw of ['\u202E', '\u200B', '\u0000', '\u0007']) expect(line).not.toContain(raw);
  });
});
