// Issue 13 item 1: in both colour schemes every palette keeps "no traffic" (the page
// background), the faintest non-zero colour and the hottest colour apart.
//
// Thresholds (WCAG 2 contrast ratio, relative luminance):
// - faint vs zero >= 1.5:1. A 1-op cell is one pixel-sized speck; 1.5:1 is well above the ~1.1:1
//   where neighbouring greys blur together, and leaves the ramp room to climb (WCAG's 3:1 for
//   non-text would leave the ramp almost no room before it meets the background).
// - hot vs zero >= 7:1 and hot vs faint >= 3:1: the hottest band is the graphic's message; 3:1 is
//   WCAG 1.4.11's minimum for graphical objects, 7:1 to the background keeps it plain at a glance.
// - luminance moves monotonically away from the background along the ramp, so "more traffic"
//   never looks like "less" (and the order reads in grey).
import { describe, expect, it } from 'vitest';
import {
  buildLut,
  contrastRatio,
  luminance,
  PALETTES,
  rampRgb,
  SCHEME_BG,
  SCHEMES,
} from '../../src/data/colorRamp.ts';

const cases = SCHEMES.flatMap((scheme) => PALETTES.map((palette) => ({ scheme, palette })));

describe('palette contrast against the page, per scheme', () => {
  it.each(cases)('$palette on $scheme: zero, faint and hot stay apart', ({ scheme, palette }) => {
    const bg = SCHEME_BG[scheme];
    const faint = rampRgb(palette, 0, scheme);
    const hot = rampRgb(palette, 1, scheme);
    const faintVsZero = contrastRatio(faint, bg);
    const hotVsZero = contrastRatio(hot, bg);
    const hotVsFaint = contrastRatio(hot, faint);
    expect(faintVsZero).toBeGreaterThanOrEqual(1.5);
    expect(hotVsZero).toBeGreaterThanOrEqual(7);
    expect(hotVsFaint).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)(
    '$palette on $scheme: luminance moves away from the page',
    ({ scheme, palette }) => {
      const bgY = luminance(...SCHEME_BG[scheme]);
      let prevDist = -1;
      for (let i = 0; i <= 200; i++) {
        const y = luminance(...rampRgb(palette, i / 200, scheme));
        const dist = Math.abs(y - bgY);
        expect(dist).toBeGreaterThanOrEqual(prevDist - 1e-3);
        prevDist = dist;
        // Never crosses to the other side of the background.
        expect(Math.sign(y - bgY)).toBe(scheme === 'dark' ? 1 : -1);
      }
    },
  );

  it('the LUT follows the scheme: index 1 is the faint end, the last the hot end', () => {
    for (const { scheme, palette } of cases) {
      const lut = buildLut({ palette, size: 256, scheme });
      const rgb = (c: number) => [c & 255, (c >>> 8) & 255, (c >>> 16) & 255] as const;
      expect(lut[0]).toBe(0); // zero traffic: transparent, the page shows
      expect(rgb(lut[1])).toEqual(rampRgb(palette, 0, scheme));
      expect(rgb(lut[255])).toEqual(rampRgb(palette, 1, scheme));
    }
    // The two schemes really differ: the light ramp darkens with heat.
    const light = luminance(...rampRgb('heat', 1, 'light'));
    const dark = luminance(...rampRgb('heat', 1, 'dark'));
    expect(light).toBeLessThan(0.05);
    expect(dark).toBeGreaterThan(0.8);
  });

  it('reports the ratios (for the issue note)', () => {
    const rows = cases.map(({ scheme, palette }) => {
      const bg = SCHEME_BG[scheme];
      const f = rampRgb(palette, 0, scheme);
      const h = rampRgb(palette, 1, scheme);
      return `${scheme}/${palette}: faint:zero ${contrastRatio(f, bg).toFixed(2)}, hot:zero ${contrastRatio(h, bg).toFixed(2)}, hot:faint ${contrastRatio(h, f).toFixed(2)}`;
    });
    expect(rows).toHaveLength(4);
    console.log(rows.join('\n'));
  });
});
