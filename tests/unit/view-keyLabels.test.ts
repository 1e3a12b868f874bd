// Issue 13 item 3: key labels show what tells a row from its neighbours; band labels get a line
// each where feasible, thin bands included, never overlapping.
import { describe, expect, it } from 'vitest';
import { distinctPart, placeBandLabels } from '../../src/data/view/keyLabels.ts';

describe('distinctPart', () => {
  it('keeps a key that fits whole', () => {
    expect(distinctPart('!redis|k1', '!redis|k0', '!redis|k2', 16)).toBe('!redis|k1');
  });

  it('shows the differing tail, not a middle cut that drops it', () => {
    const prev = '!ddb|inventory|2026-01-02T03:04:05Z#4181';
    const key = '!ddb|inventory|2026-01-02T03:04:05Z#4182';
    const next = '!ddb|inventory|2026-01-02T03:04:05Z#4190';
    const t = distinctPart(key, prev, next, 16);
    expect(t.length).toBeLessThanOrEqual(16);
    expect(t).toContain('#4182');
    expect(t.startsWith('…')).toBe(true);
    // Neighbours get different labels.
    expect(distinctPart(prev, undefined, key, 16)).not.toBe(t);
  });

  it('starts at a separator near the difference and elides a long tail', () => {
    const a = '!s3|bucket-a/photos/2026/01/img_0001.jpg';
    const b = '!s3|bucket-a/videos/2026/01/img_0001.jpg';
    const t = distinctPart(b, a, undefined, 14);
    expect(t).toBe('…/videos/2026…');
    expect(t.length).toBe(14);
  });

  it('keeps the start when the keys differ early', () => {
    expect(distinctPart('alpha-long-key-name', 'beta', 'gamma', 10)).toBe('alpha-lon…');
  });

  it('the label always holds the first differing character', () => {
    // Random keys over a small alphabet share long prefixes: the first character where a key
    // leaves its closer neighbour must be in its label.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 4;
    const keys = Array.from({ length: 300 }, () =>
      Array.from({ length: 30 }, () => 'ab|c'[Math.floor(rnd())]).join(''),
    ).sort();
    for (let i = 1; i < keys.length - 1; i++) {
      const [p, k, n] = [keys[i - 1], keys[i], keys[i + 1]];
      if (k === p || k === n) continue;
      const lcp = (x: string) => {
        let j = 0;
        while (j < x.length && x[j] === k[j]) j++;
        return j;
      };
      const d = Math.max(lcp(p), lcp(n));
      const t = distinctPart(k, p, n, 12);
      expect(t.length).toBeLessThanOrEqual(12);
      // The differing character with the one before it appears in the label.
      const piece = k.slice(Math.max(0, d - 1), d + 1);
      expect(t.replace(/…/g, '')).toContain(piece);
    }
  });
});

describe('placeBandLabels', () => {
  it('puts each label at its band top when there is room', () => {
    const out = placeBandLabels(
      [
        { y: 0, height: 100, depth: 0 },
        { y: 100, height: 50, depth: 0 },
      ],
      14,
      200,
    );
    expect(out).toEqual([
      { y: 0, outside: false },
      { y: 100, outside: false },
    ]);
  });

  it('a nested band starting on the same row gets the next free line inside', () => {
    const out = placeBandLabels(
      [
        { y: 0, height: 100, depth: 0 },
        { y: 0, height: 40, depth: 1 },
      ],
      14,
      200,
    );
    expect(out[0]).toEqual({ y: 0, outside: false });
    expect(out[1]).toEqual({ y: 14, outside: false });
  });

  it('a band thinner than a line still gets a label beside it (outside, with a leader)', () => {
    const out = placeBandLabels(
      [
        { y: 0, height: 60, depth: 0 },
        { y: 60, height: 6, depth: 0 },
        { y: 66, height: 80, depth: 0 },
      ],
      14,
      200,
    );
    expect(out[1]).not.toBeNull();
    expect(out[1]!.outside).toBe(true);
    expect(Math.abs(out[1]!.y + 7 - 63)).toBeLessThanOrEqual(28);
  });

  it('labels never overlap and stay inside the axis (random bands)', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 50; trial++) {
      const bands = Array.from({ length: 30 }, () => ({
        y: rnd() * 400,
        height: rnd() * 40,
        depth: Math.floor(rnd() * 3),
      }));
      const out = placeBandLabels(bands, 14, 420);
      const lines = out.filter((p) => p !== null).sort((a, b) => a!.y - b!.y);
      for (const p of lines) {
        expect(p!.y).toBeGreaterThanOrEqual(0);
        expect(p!.y + 14).toBeLessThanOrEqual(420.5);
      }
      for (let i = 1; i < lines.length; i++)
        expect(lines[i]!.y).toBeGreaterThanOrEqual(lines[i - 1]!.y + 14);
      // Depth 0 bands come first: with this few bands, each one is labelled.
      const d0 = out.filter((_, i) => bands[i].depth === 0);
      expect(d0.filter((p) => p === null).length).toBeLessThanOrEqual(Math.floor(d0.length / 3));
    }
  });
});
