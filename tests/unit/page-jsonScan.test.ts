// The page's one-pass JSON matrix scanner against the JSON.parse path it replaces, on the
// server encoder's answers (sampler fixture, workload, random matrices) and on mutated and
// hostile text. The rules, for every input:
//   - text JSON.parse refuses -> the scanner says "matrix answer is not JSON";
//   - the old path's own errors (no column_unix_ms) -> the same message;
//   - a well-typed answer (by an independent check of the parsed tree) -> the same Matrix, with
//     uint64 digits at or above 2^53 kept exactly (cells in exactValues, route ids and counts);
//   - an ill-typed one, where the old path made NaN cells or threw a TypeError -> a clear
//     'shape' / 'no_columns' error naming what is wrong.
import { describe, expect, it } from 'vitest';
import { MatrixScanError, scanMatrixJson } from '../../src/api/jsonMatrixScan.ts';
import { JsonApiError } from '../../src/api/jsonSource.ts';
import type { Matrix, Series } from '../../src/data/matrix.ts';
import { Rng } from '../../server/workload/prng.ts';
import type { MatrixAnswer, MatrixRow, SeriesName } from '../../server/sampler/types.ts';
import { samplerBackend } from '../helpers/jsonApiFixture.ts';
import { answerJsonText, referenceDecode } from '../helpers/matrixJson.ts';
import { workloadMatrices } from '../helpers/workloadMatrix.ts';
import { matrixToAnswer } from '../helpers/matrixJson.ts';

const SERIES_ENUM = { reads: 1, writes: 2, read_bytes: 3, write_bytes: 4 } as const;
const TWO_53 = 2 ** 53;

type Tree = unknown;
const isObj = (v: Tree): v is Record<string, Tree> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: Tree): boolean => v === undefined || v === null;
const num = (v: Tree): boolean => typeof v === 'number';
const uint64ish = (v: Tree): boolean =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
  (typeof v === 'string' && /^\d+$/.test(v));
const arrOf = (v: Tree, f: (x: Tree) => boolean): boolean => Array.isArray(v) && v.every(f);
const optArrOf = (v: Tree, f: (x: Tree) => boolean): boolean => absent(v) || arrOf(v, f);
const base64ish = (v: Tree): boolean => {
  if (absent(v)) return true;
  if (typeof v !== 'string') return false;
  try {
    atob(v);
    return true;
  } catch {
    return false;
  }
};

/** An independent statement of what the page accepts, on JSON.parse's tree. */
function wellTyped(t: Tree): boolean {
  if (!isObj(t)) return false;
  if (!arrOf(t.column_unix_ms, num)) return false;
  const rowOk = (r: Tree): boolean =>
    isObj(r) &&
    typeof r.bucket_id === 'string' &&
    (absent(r.label) || typeof r.label === 'string') &&
    base64ish(r.start) &&
    base64ish(r.end) &&
    typeof r.aggregate === 'boolean' &&
    optArrOf(r.route_ids, uint64ish) &&
    (absent(r.route_ids_truncated) || typeof r.route_ids_truncated === 'boolean') &&
    uint64ish(r.route_count) &&
    arrOf(r.values, num) &&
    optArrOf(r.conflicts, (x) => typeof x === 'boolean') &&
    optArrOf(r.raft_group_ids, num) &&
    optArrOf(r.leader_terms, num);
  if (!optArrOf(t.rows, rowOk)) return false;
  const f = t.fanout;
  if (absent(f)) return true;
  if (!isObj(f)) return false;
  return optArrOf(
    f.nodes,
    (n) =>
      isObj(n) &&
      typeof n.node === 'string' &&
      typeof n.ok === 'boolean' &&
      (absent(n.error) || typeof n.error === 'string'),
  );
}

/** uint64 strings compared as numbers: the old path rounds them, the scanner keeps digits. */
function rounded(m: Matrix): Matrix {
  const { exactValues: _exact, ...rest } = m;
  return {
    ...rest,
    rows: m.rows.map((r) => ({
      ...r,
      routeIds: r.routeIds.map((x) => String(Number(x))),
      routeCount: String(Number(r.routeCount)),
    })),
  };
}

/** Invariants of exactness: every cell at or above 2^53 has digits that round to it. */
function checkExact(m: Matrix): void {
  for (let i = 0; i < m.values.length; i++) {
    const d = m.exactValues?.get(i);
    if (d !== undefined) {
      expect(m.values[i]).toBeGreaterThanOrEqual(TWO_53);
      expect(Number(d)).toBe(m.values[i]);
      expect(BigInt(d) <= 2n ** 64n - 1n).toBe(true);
    }
  }
  for (const r of m.rows) {
    expect(r.routeCount).toMatch(/^\d+$/);
    for (const id of r.routeIds) expect(id).toMatch(/^\d+$/);
  }
}

type Outcome = { kind: 'ok' | 'syntax' | 'no_columns' | 'shape' | 'crash' };

/** Applies the rules above to one text; returns what happened (for coverage counts). */
function agree(text: string, series: Series = 'writes'): Outcome['kind'] {
  let scanned: Matrix | MatrixScanError;
  try {
    scanned = scanMatrixJson(text, series);
  } catch (e) {
    if (!(e instanceof MatrixScanError)) throw e;
    scanned = e;
  }
  let tree: Tree;
  try {
    tree = JSON.parse(text);
  } catch {
    expect(scanned).toBeInstanceOf(MatrixScanError);
    expect((scanned as MatrixScanError).message).toBe('matrix answer is not JSON');
    return 'syntax';
  }
  let ref: Matrix | unknown;
  try {
    ref = referenceDecode(text, series);
  } catch (e) {
    ref = e;
  }
  if (ref instanceof JsonApiError) {
    // The old path's own, clear errors stay word for word.
    expect(scanned).toBeInstanceOf(MatrixScanError);
    expect((scanned as MatrixScanError).message).toBe(ref.message);
    return 'no_columns';
  }
  if (wellTyped(tree)) {
    if (scanned instanceof MatrixScanError) throw new Error(`refused a good answer: ${scanned}`);
    expect(ref).not.toBeInstanceOf(Error);
    expect(rounded(scanned)).toEqual(rounded(ref as Matrix));
    checkExact(scanned);
    return 'ok';
  }
  if (!(scanned instanceof MatrixScanError)) {
    throw new Error(`accepted an ill-typed answer: ${text.slice(0, 300)}`);
  }
  expect(['shape', 'no_columns']).toContain(scanned.kind);
  expect(scanned.message).toMatch(/^matrix answer/);
  return ref instanceof Error ? 'crash' : 'shape';
}

/** Random answers: unsorted rows, aggregates with uint64 ids, exact big cells, conflicts. */
function randomAnswer(rng: Rng): MatrixAnswer {
  const C = rng.int(9);
  const R = rng.int(8);
  const bigs = [2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, 12345678901234567890n];
  const key = (): Uint8Array => Uint8Array.from({ length: rng.int(6) }, () => rng.int(256));
  const rows: MatrixRow[] = [];
  for (let i = 0; i < R; i++) {
    const aggregate = rng.int(3) === 0;
    const values = Float64Array.from({ length: C }, () =>
      rng.int(4) === 0 ? 0 : Math.floor(rng.float() * 10 ** rng.int(16)),
    );
    let exactValues: Map<number, bigint> | undefined;
    if (C > 0 && rng.int(3) === 0) {
      const c = rng.int(C);
      const b = bigs[rng.int(bigs.length)];
      (exactValues = new Map()).set(c, b);
      values[c] = Number(b);
    }
    const raft = rng.int(3) > 0;
    rows.push({
      meta: {
        bucketId: aggregate
          ? `virtual:${2n ** 64n - 1n - BigInt(i)}`
          : `route:${rng.int(50)}${['', ':redis', '"\u202e\\x'][rng.int(3)]}`,
        start: key(),
        end: key(),
        label: ['', 'redis', 'dynamo', 'é\u0000'][rng.int(4)],
        aggregate,
        routeIds: aggregate ? ['1', '18446744073709551615', String(rng.int(1e6))] : [],
        routeCount: aggregate ? 3 + rng.int(3) : 1,
      },
      values,
      ...(exactValues ? { exactValues } : {}),
      raftGroupIds: raft ? Float64Array.from({ length: C }, () => rng.int(5)) : new Float64Array(0),
      leaderTerms: raft ? Float64Array.from({ length: C }, () => rng.int(99)) : new Float64Array(0),
    });
  }
  const cluster = rng.int(2) === 0;
  return {
    columnUnixMs: Array.from({ length: C }, (_x, c) => 1_763_000_000_000 + c * 60_000),
    rows,
    nodes: cluster
      ? [
          { node: 'n1', ok: true, error: '', code: '', latencyMs: 1 },
          { node: 'n2', ok: false, error: 'unavailable: gone', code: 'unavailable', latencyMs: 0 },
        ]
      : [],
    conflicts:
      cluster && R > 0 && C > 0
        ? [{ row: rng.int(R), column: rng.int(C) } as MatrixAnswer['conflicts'][number]]
        : [],
  };
}

const NUMBERS = [
  '1e400',
  '-1e400',
  '-0',
  '0.5e-3',
  '99999999999999999999999',
  '18446744073709551615',
  '18446744073709551616',
  '9007199254740993',
  '1' + '0'.repeat(400),
  '01',
  '1.',
  '.5',
  '1e',
  '-',
  '+1',
  '0x10',
  'NaN',
  '1E+2',
];
const SWAPS = ['null', 'true', 'false', '"x"', '"AA=="', '5', '-1', '1.5', '[]', '{}', '[1,"2"]'];
const NOISE = [
  ...'{}[],:"\\ \t\n0123456789aeE.-+ntfu',
  'é',
  '\u2028',
  '\u0000',
  '\u001f',
  '\ud800',
];

/** One random corruption of a good body. */
function mutate(text: string, rng: Rng): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(10)) {
    case 0:
      return text.slice(0, at); // truncated
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + rng.int(4));
    case 2:
      return text.slice(0, at) + NOISE[rng.int(NOISE.length)] + text.slice(at);
    case 3: {
      // A number token replaced by an odd or invalid literal.
      const nums = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
      if (nums.length === 0) return text;
      const m = nums[rng.int(nums.length)];
      const i = m.index ?? 0;
      return text.slice(0, i) + NUMBERS[rng.int(NUMBERS.length)] + text.slice(i + m[0].length);
    }
    case 4: {
      // A value of another type at a random place in the tree.
      const tree = JSON.parse(text) as Tree;
      const paths: { obj: Record<string, Tree> | Tree[]; k: string | number }[] = [];
      const walk = (v: Tree): void => {
        if (Array.isArray(v))
          v.forEach((x, i) => {
            paths.push({ obj: v, k: i });
            walk(x);
          });
        else if (isObj(v))
          for (const k of Object.keys(v)) {
            paths.push({ obj: v, k });
            walk(v[k]);
          }
      };
      walk(tree);
      if (paths.length === 0) return text;
      const p = paths[rng.int(paths.length)];
      const swap = JSON.parse(SWAPS[rng.int(SWAPS.length)]) as Tree;
      if (Array.isArray(p.obj)) p.obj[p.k as number] = swap;
      else if (rng.int(5) === 0) delete p.obj[p.k as string];
      else p.obj[p.k as string] = swap;
      return JSON.stringify(tree);
    }
    case 5: {
      // Duplicate keys: the last one wins in JSON.parse.
      const dup = [
        '"values":[1,2,3],',
        '"values":"x",',
        '"column_unix_ms":"x",',
        '"column_unix_ms":[1],',
        '"rows":[{}],',
        '"route_count":"7",',
        '"start":"!!",',
        '"fanout":7,',
      ][rng.int(8)];
      const opens = [...text.matchAll(/\{/g)];
      if (opens.length === 0) return text;
      const i = (opens[rng.int(opens.length)].index ?? 0) + 1;
      return text.slice(0, i) + dup + text.slice(i);
    }
    case 6: {
      // Unicode escapes in keys and strings: the same text to JSON.parse.
      const esc = (s: string): string =>
        [...s].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      const keys = ['values', 'start', 'bucket_id', 'route_ids', 'rows', 'column_unix_ms', 'end'];
      const k = keys[rng.int(keys.length)];
      return text.replace(`"${k}"`, `"${esc(k.slice(0, 1))}${k.slice(1)}"`);
    }
    case 7: {
      // Deep nesting, balanced (valid) or not.
      const depth = 1 + rng.int(20_000);
      const close = rng.int(4) === 0 ? depth - 1 : depth;
      const deep = `"deep":${'['.repeat(depth)}${']'.repeat(close)},`;
      return text.replace('{', `{${deep}`);
    }
    case 8:
      // Whitespace between every token (valid) or a stray control char (invalid).
      return rng.int(2) === 0
        ? text.replace(/[,:[\]{}]/g, (c) => ` \n\t${c}\r `)
        : text.replace(/[,:]/, (c) => `${c}\u000b`);
    default:
      return `${text.slice(0, at)}${'{"['[rng.int(3)]}${text.slice(at)}`;
  }
}

/** The same body with column_unix_ms moved after everything else. */
function columnsLast(text: string): string {
  const m = /^\{"column_unix_ms":(\[[^\]]*\]),/.exec(text);
  if (!m) throw new Error('not an encoder body');
  return `{${text.slice(m[0].length, -1)},"column_unix_ms":${m[1]}}`;
}

async function fixtureTexts(): Promise<{ name: string; text: string; series: SeriesName }[]> {
  const out: { name: string; text: string; series: SeriesName }[] = [];
  const backend = samplerBackend();
  for (const series of ['writes', 'reads', 'read_bytes', 'write_bytes'] as const) {
    const req = { series: SERIES_ENUM[series], fromUnixMs: 0, toUnixMs: 0, rows: 0 };
    const answer = await backend.getKeyVizMatrix(req, new AbortController().signal);
    out.push({ name: `sampler ${series}`, text: await answerJsonText(answer, series), series });
  }
  const wl = workloadMatrices({ routes: 120 });
  for (const series of ['writes', 'read_bytes'] as const) {
    const answer = matrixToAnswer(wl.matrix(series, 64));
    out.push({ name: `workload ${series}`, text: await answerJsonText(answer, series), series });
  }
  return out;
}

describe('JSON matrix scanner', { timeout: 60_000 }, () => {
  it('equals the JSON.parse path on every fixture', async () => {
    const fixtures = await fixtureTexts();
    expect(fixtures.length).toBe(6);
    for (const f of fixtures) {
      expect(agree(f.text, f.series), f.name).toBe('ok');
      expect(agree(columnsLast(f.text), f.series), f.name).toBe('ok');
      // A second column_unix_ms after the rows changes the grid they were laid out for.
      const wider = f.text.replace(/\}$/, ',"column_unix_ms":[1,2,3,4,5,6,7,8,9,10,11,12]}');
      expect(agree(wider, f.series), f.name).toBe('ok');
      expect(scanMatrixJson(f.text, f.series).rowCount, f.name).toBeGreaterThan(0);
    }
  });

  it('equals it on random matrices, keeping uint64 digits at or above 2^53', async () => {
    const rng = new Rng(17);
    let exactCells = 0;
    for (let k = 0; k < 300; k++) {
      const answer = randomAnswer(rng);
      const text = await answerJsonText(answer, 'writes');
      expect(agree(text)).toBe('ok');
      // Rows before the columns (not a node's order): laid out back to back, same answer.
      expect(agree(columnsLast(text))).toBe('ok');
      expect(scanMatrixJson(columnsLast(text), 'writes')).toEqual(scanMatrixJson(text, 'writes'));
      const m = scanMatrixJson(text, 'writes');
      // Every big cell the server wrote comes back with its exact digits.
      for (const row of answer.rows) {
        const i = m.rows.findIndex(
          (r) => r.bucketId === row.meta.bucketId && r.start.join() === row.meta.start.join(),
        );
        for (const [c, b] of row.exactValues ?? []) {
          expect(m.exactValues?.get(i * m.colCount + c)).toBe(b.toString());
          exactCells++;
        }
      }
      for (const r of m.rows) if (r.aggregate) expect(r.routeIds[1]).toBe('18446744073709551615');
    }
    expect(exactCells).toBeGreaterThan(20);
  });

  it('keeps 2^64-1 and 2^53+1 exact where JSON.parse rounds them', () => {
    const text =
      '{"column_unix_ms":[1,2],"rows":[{"bucket_id":"virtual:18446744073709551615","start":null,' +
      '"end":null,"aggregate":true,"route_ids":[18446744073709551615],' +
      '"route_count":18446744073709551615,"values":[18446744073709551615,9007199254740993]}]}';
    const m = scanMatrixJson(text, 'writes');
    expect(m.exactValues).toEqual(
      new Map([
        [0, '18446744073709551615'],
        [1, '9007199254740993'],
      ]),
    );
    expect(m.rows[0].routeCount).toBe('18446744073709551615');
    expect(m.rows[0].routeIds).toEqual(['18446744073709551615']);
    expect(referenceDecode(text, 'writes').rows[0].routeCount).toBe('18446744073709552000');
  });

  it('agrees on mutated and hostile text', async () => {
    const rng = new Rng(12);
    const bases = [
      ...(await fixtureTexts()).slice(0, 2).map((f) => f.text),
      ...(await Promise.all(
        Array.from({ length: 6 }, () => answerJsonText(randomAnswer(rng), 'writes')),
      )),
    ];
    const seen = new Map<string, number>();
    for (let k = 0; k < 2500; k++) {
      let text = bases[rng.int(bases.length)];
      for (let m = 1 + rng.int(2); m > 0; m--) {
        try {
          text = mutate(text, rng);
        } catch {
          // A tree mutation of text already made invalid: keep the invalid text.
        }
      }
      const kind = agree(text);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }
    // Each rule was exercised, not only the syntax errors.
    for (const kind of ['ok', 'syntax', 'no_columns', 'shape', 'crash']) {
      expect(seen.get(kind) ?? 0, `${kind}: ${JSON.stringify([...seen])}`).toBeGreaterThan(4);
    }
  });

  it('gives clear errors on hostile classics', () => {
    const cases: [string, RegExp][] = [
      ['', /not JSON/],
      ['{"column_unix_ms":[1],"rows":[]', /not JSON/],
      ['{"column_unix_ms":[1]} x', /not JSON/],
      ['null', /no column_unix_ms/],
      ['[]', /no column_unix_ms/],
      ['{"column_unix_ms":{}}', /no column_unix_ms/],
      ['{"column_unix_ms":[1],"column_unix_ms":5}', /no column_unix_ms/],
      ['{"column_unix_ms":["1"]}', /column_unix_ms\[0\] is not a number/],
      ['{"column_unix_ms":[],"rows":7}', /rows is a number/],
      ['{"column_unix_ms":[],"rows":[null]}', /rows\[0\] is a null, not an object/],
      [
        '{"column_unix_ms":[1],"rows":[{"bucket_id":"a","aggregate":false,"route_count":1,"values":[1,"2"]}]}',
        /rows\[0\]\.values \[1\] is not a number/,
      ],
      [
        '{"column_unix_ms":[1],"rows":[{"bucket_id":"a","aggregate":false,"route_count":1,"values":[1],"start":"%%"}]}',
        /rows\[0\]\.start is not base64/,
      ],
      [
        '{"column_unix_ms":[1],"rows":[{"bucket_id":"a","aggregate":false,"values":[1]}]}',
        /rows\[0\] has no route_count/,
      ],
      [`{"column_unix_ms":[],"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, /^$/],
      [`{"column_unix_ms":[],"x":${'['.repeat(200_000)}}`, /not JSON/],
    ];
    for (const [text, want] of cases) {
      let msg = '';
      try {
        scanMatrixJson(text, 'writes');
      } catch (e) {
        expect(e).toBeInstanceOf(MatrixScanError);
        msg = (e as Error).message;
      }
      expect(msg, text.slice(0, 80)).toMatch(want);
    }
  });
});

describe('tracked_buckets (ours, 1028)', () => {
  const text = (tracked: string) =>
    `{"column_unix_ms":[60000],"rows":[{"bucket_id":"route:1","start":"","end":"","aggregate":false,"route_count":1,"values":[5]}],"series":"writes"${tracked},"generated_at":"2026-12-07T00:00:00Z"}`;
  it('is read by the scanner as by the JSON.parse path: a count above the rows shown', () => {
    for (const [extra, want] of [
      [',"tracked_buckets":2317', 2317],
      [',"tracked_buckets":1', undefined], // not more than the rows shown
      [',"tracked_buckets":"9"', undefined],
      [',"tracked_buckets":-3', undefined],
      [',"tracked_buckets":2.5', undefined],
      [',"tracked_buckets":1e3', 1000],
      [',"tracked_buckets":99,"tracked_buckets":null', undefined], // the last one wins
      ['', undefined],
    ] as const) {
      expect(scanMatrixJson(text(extra), 'writes').trackedBuckets, extra).toBe(want);
      expect(referenceDecode(text(extra), 'writes').trackedBuckets, extra).toBe(want);
    }
  });
});
