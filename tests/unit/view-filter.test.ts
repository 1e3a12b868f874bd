import { describe, expect, it } from 'vitest';
import {
  filterRows,
  isNoFilter,
  parseFilter,
  projectMatrix,
  rangeHasPrefix,
} from '../../src/data/view/filter.ts';
import { compareKeys, hasPrefix, keysEqual, prefixEnd } from '../../src/data/view/keyOrder.ts';
import { displayKey } from '../../src/data/keys.ts';
import { key, makeMatrix } from '../helpers/viewMatrix.ts';

const b = (...x: number[]) => Uint8Array.from(x);
const arr = (u: Uint8Array | null) => (u === null ? null : Array.from(u));

describe('parseFilter', () => {
  it('empty text: no filter', () => {
    const f = parseFilter('   ');
    expect(f).toEqual({ prefix: null, label: null });
    expect(isNoFilter(f)).toBe(true);
  });
  it('text prefix with escapes', () => {
    expect(arr(parseFilter('!redis|str|').prefix)).toEqual(Array.from(key('!redis|str|')));
    expect(arr(parseFilter('t\\x80\\x00_r').prefix)).toEqual([0x74, 0x80, 0x00, 0x5f, 0x72]);
    expect(arr(parseFilter('a\\\\b').prefix)).toEqual([0x61, 0x5c, 0x62]);
    expect(arr(parseFilter('a\\sb').prefix)).toEqual([0x61, 0x20, 0x62]);
    expect(arr(parseFilter('\\u{202e}').prefix)).toEqual([0xe2, 0x80, 0xae]);
    expect(arr(parseFilter('ключ').prefix)).toEqual(Array.from(key('ключ')));
  });
  it('round-trips what the page displays for binary keys', () => {
    const raw = b(0x00, 0xff, 0x5c, 0x41, 0xe2, 0x80, 0xae, 0x7c);
    expect(arr(parseFilter(displayKey(raw)).prefix)).toEqual(Array.from(raw));
  });
  it('hex prefixes: 0x... and hex:...', () => {
    expect(arr(parseFilter('0x00FF7c').prefix)).toEqual([0, 255, 124]);
    expect(arr(parseFilter('hex:2172').prefix)).toEqual([0x21, 0x72]);
    expect(parseFilter('0xabc').error).toMatch(/not hex/);
    expect(parseFilter('hex:').error).toMatch(/not hex/);
    expect(parseFilter('0xzz').error).toMatch(/not hex/);
  });
  it('label, case-insensitive, combined with a prefix in any order', () => {
    const f = parseFilter('label:Dynamo !ddb|orders');
    expect(f.label).toBe('dynamo');
    expect(arr(f.prefix)).toEqual(Array.from(key('!ddb|orders')));
    expect(parseFilter('!ddb| LABEL:dynamo').label).toBe('dynamo');
  });
  it('errors name the problem and disable filtering', () => {
    const e1 = parseFilter('a\\x4');
    expect(e1.error).toMatch(/two hex digits/);
    expect([e1.prefix, e1.label]).toEqual([null, null]);
    expect(parseFilter('a\\q').error).toMatch(/unknown escape/);
    expect(parseFilter('a\\').error).toMatch(/unknown escape/);
    expect(parseFilter('label:').error).toMatch(/needs a name/);
    expect(parseFilter('label:a label:b').error).toMatch(/one label/);
    expect(parseFilter('abc def').error).toMatch(/one key prefix/);
    expect(parseFilter('\\u{d800}').error).toMatch(/code point/);
  });
});

describe('keyOrder', () => {
  it('byte order with prefixes first; equality; hasPrefix', () => {
    expect(compareKeys(b(), b(0))).toBeLessThan(0);
    expect(compareKeys(b(1, 2), b(1))).toBeGreaterThan(0);
    expect(compareKeys(b(0x7f), b(0x80))).toBeLessThan(0); // unsigned bytes
    expect(keysEqual(b(1, 2), b(1, 2))).toBe(true);
    expect(keysEqual(b(1, 2), b(1, 2, 0))).toBe(false);
    expect(hasPrefix(b(1, 2, 3), b(1, 2))).toBe(true);
    expect(hasPrefix(b(1), b(1, 2))).toBe(false);
    expect(hasPrefix(b(1), b())).toBe(true);
  });
});

describe('prefix ranges', () => {
  it('prefixEnd increments the last non-0xff byte', () => {
    expect(arr(prefixEnd(b(0x61, 0x62)))).toEqual([0x61, 0x63]);
    expect(arr(prefixEnd(b(0x61, 0xff, 0xff)))).toEqual([0x62]);
    expect(prefixEnd(b(0xff, 0xff)).length).toBe(0); // unbounded
    expect(prefixEnd(b()).length).toBe(0);
  });
  it('a row range intersects the prefix range (not only rows that start with it)', () => {
    const p = key('user:');
    expect(rangeHasPrefix({ start: key('user:5'), end: key('user:9') }, p)).toBe(true);
    // Starts before the prefix but reaches into it.
    expect(rangeHasPrefix({ start: key('a'), end: key('user:1') }, p)).toBe(true);
    // Ends exactly at the prefix: [a, user:) holds no key with it.
    expect(rangeHasPrefix({ start: key('a'), end: key('user:') }, p)).toBe(false);
    // Starts at prefixEnd: none.
    expect(rangeHasPrefix({ start: key('user;'), end: new Uint8Array(0) }, p)).toBe(false);
    // Open ends on both sides cover everything.
    expect(rangeHasPrefix({ start: new Uint8Array(0), end: new Uint8Array(0) }, p)).toBe(true);
  });
  it('binary prefixes with 0xff', () => {
    const p = b(0x01, 0xff);
    expect(rangeHasPrefix({ start: b(0x01, 0xff, 0x00), end: b(0x02) }, p)).toBe(true);
    expect(rangeHasPrefix({ start: b(0x02), end: b(0x03) }, p)).toBe(false);
    expect(rangeHasPrefix({ start: b(0xff, 0xff, 1), end: new Uint8Array(0) }, b(0xff, 0xff))).toBe(
      true,
    );
  });
});

describe('filterRows / projectMatrix', () => {
  const m = makeMatrix(
    [
      { start: '', end: '!ddb|', label: '' },
      { start: '!ddb|', end: '!ddb|orders|m', label: 'dynamo' },
      { start: '!ddb|orders|m', end: '!ddb|users', label: 'dynamo' },
      { start: '!ddb|users', end: '!redis|', label: 'dynamo' },
      { start: '!redis|', end: '', label: 'redis' },
    ],
    [1000, 2000, 3000],
  );
  it('by prefix: rows whose range holds prefixed keys', () => {
    expect(Array.from(filterRows(m, parseFilter('!ddb|orders')))).toEqual([1, 2]);
    expect(Array.from(filterRows(m, parseFilter('!redis|')))).toEqual([4]);
  });
  it('by label, and combined', () => {
    expect(Array.from(filterRows(m, parseFilter('label:dynamo')))).toEqual([1, 2, 3]);
    expect(Array.from(filterRows(m, parseFilter('label:dynamo !ddb|users')))).toEqual([3]);
    expect(Array.from(filterRows(m, parseFilter('label:s3')))).toEqual([]);
  });
  it('no filter keeps all rows and projection returns the same matrix', () => {
    const all = filterRows(m, parseFilter(''));
    expect(Array.from(all)).toEqual([0, 1, 2, 3, 4]);
    expect(projectMatrix(m, all)).toBe(m);
  });
  it('projectMatrix copies kept rows and recomputes max', () => {
    const withExtras = {
      ...m,
      raftGroupIds: Float64Array.from(m.values, (_, i) => i),
      leaderTerms: Float64Array.from(m.values, (_, i) => 100 + i),
      conflicts: Uint8Array.from(m.values, (_, i) => (i === 14 ? 1 : 0)),
    };
    const p = projectMatrix(withExtras, Int32Array.from([1, 3]));
    expect(p.rowCount).toBe(2);
    expect(p.colCount).toBe(3);
    expect(p.columns).toBe(m.columns);
    expect(p.rows.map((r) => r.bucketId)).toEqual(['route:2', 'route:4']);
    expect(Array.from(p.values)).toEqual([100, 101, 102, 300, 301, 302]);
    expect(Array.from(p.raftGroupIds!)).toEqual([3, 4, 5, 9, 10, 11]);
    expect(Array.from(p.leaderTerms!)).toEqual([103, 104, 105, 109, 110, 111]);
    expect(p.max).toBe(302);
    expect(p.conflicts).toBeNull(); // the only conflict was in row 4
    expect(projectMatrix(withExtras, Int32Array.from([4])).conflicts![2]).toBe(1);
    // The source is untouched.
    expect(m.rowCount).toBe(5);
  });
  it('projecting to no rows gives an empty, valid matrix', () => {
    const p = projectMatrix(m, new Int32Array(0));
    expect([p.rowCount, p.values.length, p.max]).toEqual([0, 0, 0]);
  });
});
