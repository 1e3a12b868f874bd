import { describe, expect, it } from 'vitest';
import {
  csvField,
  csvFileName,
  fileStamp,
  matrixToCsv,
  pngFileName,
  viewIndexRange,
} from '../../src/data/view/exportView.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const S = 60_000;
const T = Date.UTC(2026, 10, 24, 7, 12, 34);

/** Minimal RFC 4180 reader, to check that what we write parses back to the same cells. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return out;
}

describe('csvField', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
  });
  it('defuses formula starts (= + - @ tab CR)', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
    expect(csvField('a=b')).toBe('a=b');
  });
});

describe('matrixToCsv', () => {
  const m = makeMatrix(
    [
      { start: '', end: 'a,b', id: 'route:1' },
      { start: 'a,b', end: '=cmd|"x"', label: 'redis', id: 'route:2' },
      {
        start: new Uint8Array([0x3d, 0x00, 0xff, 0x0a]),
        end: '',
        label: 'raw',
        id: 'virtual:18446744073709551615',
      },
    ],
    [T, T + S, T + 2 * S],
  );
  it('header, rows, CRLF, and keys as the page displays them', () => {
    const csv = matrixToCsv(m, null);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      'bucket_id',
      'start',
      'end',
      'label',
      '2026-11-24T07:12:34.000Z',
      '2026-11-24T07:13:34.000Z',
      '2026-11-24T07:14:34.000Z',
    ]);
    expect(rows[1]).toEqual(['route:1', '', 'a,b', '', '0', '1', '2']);
    expect(rows[2]).toEqual(['route:2', 'a,b', '\'=cmd|"x"', 'redis', '100', '101', '102']);
    // Binary: escaped display text (no raw control bytes or newlines in the file), defused "=".
    expect(rows[3][1]).toBe("'=\\x00\\xff\\x0a");
    expect(rows[3][0]).toBe('virtual:18446744073709551615');
    expect(rows.length).toBe(4);
  });
  it('exports only the visible window', () => {
    const view = { t0: T + 0.5 * S, t1: T + 1.5 * S, r0: 1.2, r1: 2 };
    expect(viewIndexRange(m, view)).toEqual({ r0: 1, r1: 2, c0: 1, c1: 3 });
    const rows = parseCsv(matrixToCsv(m, view));
    expect(rows.length).toBe(2);
    expect(rows[1]).toEqual(['route:2', 'a,b', '\'=cmd|"x"', 'redis', '101', '102']);
  });
  it('empty matrix: just the header', () => {
    expect(matrixToCsv(makeMatrix([], []), null)).toBe('bucket_id,start,end,label\r\n');
  });
  it('large values stay exact integers', () => {
    const big = makeMatrix([{ start: 'a' }], [T], () => 2 ** 53 - 1);
    expect(parseCsv(matrixToCsv(big, null))[1][4]).toBe('9007199254740991');
  });
});

describe('file names', () => {
  it('series and the view end in compact UTC', () => {
    expect(fileStamp(T)).toBe('2026-11-24T0712Z');
    expect(pngFileName({ t1: T }, 'writes')).toBe('keyviz-writes-2026-11-24T0712Z.png');
    expect(csvFileName({ t1: T }, 'read_bytes')).toBe('keyviz-read-bytes-2026-11-24T0712Z.csv');
    expect(pngFileName({ t1: NaN }, 'reads')).toBe('keyviz-reads-unknown-time.png');
    expect(csvFileName({ t1: T }, 'writes')).not.toMatch(/[:\\/ ]/);
  });
});
