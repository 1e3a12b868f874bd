// The bucket page's events list model: the bucket's inferred splits and merges, in
// words by its role, with the other bucket ids; the window's gaps; oldest first.
import { describe, expect, it } from 'vitest';
import { bucketEventRows, structuralEvents } from '../../src/pages/bucket/bucketModel.ts';
import { bucketEventsMatrix } from '../helpers/bucketEventsMatrix.ts';

const gap = {
  kind: 'gap',
  unixMs: 9000,
  fromMs: 4000,
  what: 'Gap: no column for 4 s (the server was down or paused)',
  others: [],
  after: '',
};

describe('bucketEventRows', () => {
  const events = structuralEvents(bucketEventsMatrix());

  it('lists the split on both halves, by role, and the gap', () => {
    expect(bucketEventRows(events, 'route:1')).toEqual([
      {
        kind: 'split',
        unixMs: 3000,
        what: 'Split: its higher keys became',
        others: ['route:9'],
        after: ' (inferred from the rows)',
      },
      gap,
    ]);
    expect(bucketEventRows(events, 'route:9')).toEqual([
      {
        kind: 'split',
        unixMs: 3000,
        what: 'Split off from',
        others: ['route:1'],
        after: ' (inferred from the rows)',
      },
      gap,
    ]);
  });

  it('lists the merge on the survivor and on the route merged into it', () => {
    expect(bucketEventRows(events, 'route:3')[0]).toEqual({
      kind: 'merge',
      unixMs: 3000,
      what: 'Merge: took in',
      others: ['route:4'],
      after: ' (inferred from the rows)',
    });
    expect(bucketEventRows(events, 'route:4')[0]).toMatchObject({
      kind: 'merge',
      what: 'Merged into',
      others: ['route:3'],
      after: '; no traffic of its own after this (inferred from the rows)',
    });
  });

  it('gives a bucket not among the rows the gaps only, and leaves leader changes out', () => {
    expect(bucketEventRows(events, 'route:77')).toEqual([gap]);
    expect(events.every((e) => e.kind !== 'leader')).toBe(true);
  });
});
