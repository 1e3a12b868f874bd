import { describe, expect, it } from 'vitest';
import { keyBands, keySegments, visibleBands } from '../../src/data/view/keyBands.ts';
import { key } from '../helpers/viewMatrix.ts';

const b = (...x: number[]) => Uint8Array.from(x);
const rows = (...keys: (string | Uint8Array)[]) =>
  keys.map((k) => ({ start: typeof k === 'string' ? key(k) : k }));
const summary = (bands: ReturnType<typeof keyBands>) =>
  bands.map((x) => `${x.depth}:${x.r0}-${x.r1}:${x.label}`);

describe('keySegments', () => {
  it('text keys split after | / :', () => {
    expect(keySegments(key('!redis|str|user:1'), 9)).toEqual([7, 11, 16]);
    expect(keySegments(key('a/b/c'), 9)).toEqual([2, 4]);
    expect(keySegments(key('plain'), 9)).toEqual([]);
    expect(keySegments(key(''), 9)).toEqual([]);
  });
  it('binary bytes are one segment each; a text run before them ends a segment', () => {
    expect(keySegments(b(0, 1, 2), 9)).toEqual([1, 2, 3]);
    expect(keySegments(b(0x74, 0x80, 0, 0x5f, 0x72), 9)).toEqual([1, 2, 3]);
  });
  it('valid UTF-8 is text, not binary', () => {
    expect(keySegments(key('ключ:1'), 9)).toEqual([9]);
  });
  it('stops at maxSegments', () => {
    expect(keySegments(key('a|b|c|d|'), 2)).toEqual([2, 4]);
    expect(keySegments(b(0x74, 0x80, 0), 1)).toEqual([1]);
  });
});

describe('keyBands', () => {
  it('nests bands by shared prefix segments', () => {
    const r = rows(
      '',
      '!ddb|orders|a',
      '!ddb|orders|m',
      '!ddb|users|a',
      '!redis|str|user:1',
      '!redis|str|user:2',
      '!redis|hash|x',
    );
    expect(summary(keyBands(r))).toEqual([
      '0:1-4:!ddb|',
      '0:4-7:!redis|',
      '1:1-3:orders|',
      '1:3-4:users|',
      '1:4-6:str|',
      '1:6-7:hash|',
      '2:4-6:user:',
    ]);
  });
  it('bands carry the whole prefix for a filter action', () => {
    const [first] = keyBands(rows('!ddb|x', '!ddb|y'));
    expect(new TextDecoder().decode(first.prefix)).toBe('!ddb|');
  });
  it('limits depth, and minRows hides single-row bands', () => {
    const r = rows('a|b|c|d|1', 'a|b|c|d|2', 'a|x|');
    expect(Math.max(...keyBands(r, 2).map((x) => x.depth))).toBe(1);
    expect(summary(keyBands(r, 3, 2))).toEqual(['0:0-3:a|', '1:0-2:b|', '2:0-2:c|']);
  });
  it('binary keys group byte by byte, labels escaped for display', () => {
    const r = rows(b(0, 0, 1), b(0, 0, 2), b(0, 1, 0), b(0xff, 0x7c));
    expect(summary(keyBands(r))).toEqual([
      '0:0-3:\\x00',
      '0:3-4:\\xff',
      '1:0-2:\\x00',
      '1:2-3:\\x01',
      '1:3-4:|',
      '2:0-1:\\x01',
      '2:1-2:\\x02',
      '2:2-3:\\x00',
    ]);
  });
  it('the same prefix in non-adjacent rows makes separate bands', () => {
    expect(summary(keyBands(rows('a|1', 'b|1', 'a|2'), 1))).toEqual([
      '0:0-1:a|',
      '0:1-2:b|',
      '0:2-3:a|',
    ]);
  });
  it('no rows / no segments: no bands', () => {
    expect(keyBands([])).toEqual([]);
    expect(keyBands(rows('', 'abc', 'abd'))).toEqual([]);
  });
});

describe('visibleBands', () => {
  const bands = keyBands(rows('a|1', 'a|2', 'a|3', 'b|1', 'c|1', 'c|2'));
  it('clips to the visible rows and positions in px', () => {
    const v = visibleBands(bands, { r0: 1, r1: 5 }, 20, 10);
    expect(v.map((x) => [x.band.label, x.y, x.height])).toEqual([
      ['a|', 0, 40],
      ['b|', 40, 20],
      ['c|', 60, 20],
    ]);
  });
  it('hides bands thinner than minPx (fractional views too)', () => {
    const v = visibleBands(bands, { r0: 0.5, r1: 4.25 }, 20, 16);
    expect(v.map((x) => x.band.label)).toEqual(['a|', 'b|']);
    expect(visibleBands(bands, { r0: 0, r1: 6 }, 0, 1)).toEqual([]);
  });
});
