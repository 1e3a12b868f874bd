// Colour ramps for the heatmap and the 32-bit lookup table the raster indexes into.
// Zero traffic is the page background (transparent canvas), so each ramp runs AWAY from its
// scheme's background: on the dark page it rises in lightness (hotter = brighter), on the light
// page it falls (hotter = darker). Either way zero, the faintest non-zero colour and the hottest
// colour stay apart (tests/unit/colorContrast.test.ts states the contrast ratios).

export type Palette = 'heat' | 'cvd';

export const PALETTES: readonly Palette[] = ['heat', 'cvd'];

/** The page's colour scheme (prefers-color-scheme); it picks the ramp's direction. */
export type Scheme = 'light' | 'dark';

export const SCHEMES: readonly Scheme[] = ['light', 'dark'];

/** The page background per scheme (src/shell/app.css --bg): the colour of zero traffic. */
export const SCHEME_BG: Record<Scheme, Rgb> = {
  light: [0xff, 0xff, 0xff],
  dark: [0x0d, 0x11, 0x17],
};

type Rgb = readonly [number, number, number];

const hex = (...h: number[]): Rgb[] => h.map((n) => [n >> 16, (n >> 8) & 255, n & 255] as const);

// Dark page, heat: violet -> magenta -> red -> orange -> yellow -> near white. The first stop is
// light enough (1.6:1 on #0d1117) that a 1-op cell is never lost in the background.
const HEAT_DARK = hex(
  0x4a1a80,
  0x7a1c84,
  0xa32468,
  0xc8354f,
  0xe4512f,
  0xf47a1e,
  0xfba528,
  0xfdd04a,
  0xfdf08f,
  0xfffbd8,
);

// Light page, heat: amber -> orange -> red -> crimson -> plum -> near black. The faintest is a
// full amber (1.6:1 on white), not a pale tint; the hottest is 19:1 against the white page.
// Both heat ramps move fastest in their lower half, so mid traffic (a busy band on a log scale)
// already stands out.
const HEAT_LIGHT = hex(
  0xf3c94c,
  0xf59a35,
  0xe8692a,
  0xd24a2e,
  0xb52c36,
  0x921a42,
  0x6c1349,
  0x4a0f47,
  0x2a0b38,
  0x1a0828,
);

// Colour-vision-deficiency safe, in the manner of viridis: purple -> blue -> teal -> green ->
// yellow (no red/green opposition; distinct in deuteranopia, protanopia and in grey). The dark
// page runs it dark to light, the light page light to dark, each starting clear of the page.
const CVD_DARK = hex(
  0x46307e,
  0x365c8d,
  0x277f8e,
  0x1fa187,
  0x4ac16d,
  0xa0da39,
  0xd4e21a,
  0xf5e61f,
  0xfdf3a0,
);
const CVD_LIGHT = hex(
  0xbcd930,
  0x6ccd5a,
  0x2fb47c,
  0x1f998a,
  0x25808e,
  0x2f648d,
  0x3c4488,
  0x44287a,
  0x3d0c5c,
  0x2a0540,
);

const STOPS: Record<Scheme, Record<Palette, readonly Rgb[]>> = {
  light: { heat: HEAT_LIGHT, cvd: CVD_LIGHT },
  dark: { heat: HEAT_DARK, cvd: CVD_DARK },
};

/** The ramp's stops (for tests and the legend). */
export function paletteStops(p: Palette, scheme: Scheme = 'light'): readonly Rgb[] {
  return STOPS[scheme][p];
}

/** Colour at t in [0, 1] (clamped), linear interpolation between evenly spaced stops. */
export function rampRgb(
  palette: Palette,
  t: number,
  scheme: Scheme = 'light',
): [number, number, number] {
  const stops = STOPS[scheme][palette] ?? STOPS[scheme].heat;
  const x = (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** CSS colour at t, for the legend gradient. */
export function rampCss(palette: Palette, t: number, scheme: Scheme = 'light'): string {
  const [r, g, b] = rampRgb(palette, t, scheme);
  return `rgb(${r}, ${g}, ${b})`;
}

/** A CSS linear-gradient of the ramp (legend bar), left (t=0) to right (t=1). */
export function rampGradientCss(
  palette: Palette,
  scheme: Scheme = 'light',
  direction = 'to right',
): string {
  const n = STOPS[scheme][palette].length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rampCss(palette, i / (n - 1), scheme));
  return `linear-gradient(${direction}, ${parts.join(', ')})`;
}

/** RGBA packed for a little-endian Uint32 view of ImageData: 0xAABBGGRR. */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/**
 * The lookup table the raster indexes into. Index 0 is "zero traffic" and fully transparent so
 * the page background shows; indexes 1..size-1 span the ramp from t=0 to t=1.
 */
export function buildLut(opts: { palette: Palette; size: number; scheme?: Scheme }): Uint32Array {
  const size = Math.max(2, Math.floor(opts.size));
  const lut = new Uint32Array(size);
  lut[0] = 0;
  const span = size - 2 || 1;
  for (let i = 1; i < size; i++) {
    const [r, g, b] = rampRgb(opts.palette, (i - 1) / span, opts.scheme ?? 'light');
    lut[i] = packRgba(r, g, b);
  }
  return lut;
}

/** Relative luminance (WCAG) of an sRGB colour, 0..1. */
export function luminance(r: number, g: number, b: number): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two sRGB colours (1..21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const x = luminance(a[0], a[1], a[2]);
  const y = luminance(b[0], b[1], b[2]);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
