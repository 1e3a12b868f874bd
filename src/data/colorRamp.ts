// Colour ramps for the heatmap and the 32-bit lookup table the raster indexes into.
// Both ramps rise monotonically in lightness, so "brighter = hotter" reads the same in grey.

export type Palette = 'heat' | 'cvd';

export const PALETTES: readonly Palette[] = ['heat', 'cvd'];

type Rgb = readonly [number, number, number];

// Heat: deep indigo -> purple -> magenta -> red -> orange -> yellow -> near white. It starts
// at a dim indigo rather than pure black so the faintest non-zero cell still differs from a
// black page background (index 0, zero traffic, is transparent).
const HEAT: readonly Rgb[] = [
  [0x1c, 0x0a, 0x3a],
  [0x3b, 0x0d, 0x63],
  [0x62, 0x12, 0x7a],
  [0x8a, 0x1c, 0x78],
  [0xb0, 0x28, 0x62],
  [0xd4, 0x3d, 0x45],
  [0xec, 0x5f, 0x2a],
  [0xf8, 0x8c, 0x1c],
  [0xfc, 0xbc, 0x2e],
  [0xfb, 0xe5, 0x6a],
  [0xff, 0xfb, 0xd8],
];

// Colour-vision-deficiency safe: a blue -> teal -> green -> yellow sweep in the manner of
// viridis (no red/green opposition; distinct in deuteranopia, protanopia and in grey).
const CVD: readonly Rgb[] = [
  [0x42, 0x05, 0x57],
  [0x46, 0x2c, 0x7b],
  [0x3b, 0x50, 0x8a],
  [0x2d, 0x6e, 0x8e],
  [0x22, 0x8a, 0x8d],
  [0x20, 0xa4, 0x86],
  [0x3f, 0xbc, 0x73],
  [0x7a, 0xd1, 0x51],
  [0xbd, 0xdf, 0x26],
  [0xf5, 0xe6, 0x1f],
];

const STOPS: Record<Palette, readonly Rgb[]> = { heat: HEAT, cvd: CVD };

/** The ramp's stops (for tests and the legend). */
export function paletteStops(p: Palette): readonly Rgb[] {
  return STOPS[p];
}

/** Colour at t in [0, 1] (clamped), linear interpolation between evenly spaced stops. */
export function rampRgb(palette: Palette, t: number): [number, number, number] {
  const stops = STOPS[palette] ?? HEAT;
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
export function rampCss(palette: Palette, t: number): string {
  const [r, g, b] = rampRgb(palette, t);
  return `rgb(${r}, ${g}, ${b})`;
}

/** A CSS linear-gradient of the ramp (legend bar), left (t=0) to right (t=1). */
export function rampGradientCss(palette: Palette, direction = 'to right'): string {
  const n = STOPS[palette].length;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rampCss(palette, i / (n - 1)));
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
export function buildLut(opts: { palette: Palette; size: number }): Uint32Array {
  const size = Math.max(2, Math.floor(opts.size));
  const lut = new Uint32Array(size);
  lut[0] = 0;
  const span = size - 2 || 1;
  for (let i = 1; i < size; i++) {
    const [r, g, b] = rampRgb(opts.palette, (i - 1) / span);
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
