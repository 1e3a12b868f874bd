// Row budget parsing, URL view state and API configuration.
import { describe, expect, it } from 'vitest';
import { clampRows, parseRowBudget } from '../../src/data/rowBudget.ts';
import {
  DEFAULT_VIEW,
  parseViewState,
  serializeViewState,
  type ViewState,
} from '../../src/data/urlState.ts';
import { isSafeUrlOverride, resolveApiConfig, type ConfigInputs } from '../../src/api/config.ts';

describe('clampRows', () => {
  it('floors, caps at 1024; 0, negative or NaN are the default (1024, or 0 when asked)', () => {
    expect([5, 2.7, 5000, Infinity, 0, 0.5, -3, NaN].map((n) => clampRows(n))).toEqual([
      5, 2, 1024, 1024, 1024, 1024, 1024, 1024,
    ]);
    expect([5, 5000, 0, 0.5, -3, NaN].map((n) => clampRows(n, 0))).toEqual([5, 1024, 0, 0, 0, 0]);
  });
});

describe('parseRowBudget', () => {
  it.each([
    ['1', 1],
    ['1024', 1024],
    [' 42 ', 42],
    ['\t7\n', 7],
    ['007', 7],
  ])('accepts %j', (draft, value) => {
    expect(parseRowBudget(draft)).toEqual({ ok: true, value });
  });

  it.each([
    '42abc',
    '1e3',
    '-1',
    '0',
    '',
    ' ',
    '1.5',
    '0x10',
    '١٢',
    '１２',
    '+5',
    '1025',
    '99999999999',
    '1 2',
    'NaN',
    'Infinity',
  ])('refuses %j with a message', (draft) => {
    const r = parseRowBudget(draft);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/1 to 1024/);
  });
});

describe('URL view state', () => {
  it('fold: "1" or "true" asks for the whole-key-space fold; anything else does not', () => {
    expect(parseViewState('?fold=1').fold).toBe(true);
    expect(parseViewState('?fold=true').fold).toBe(true);
    expect(parseViewState('?fold=0').fold).toBe(false);
    expect(parseViewState('?fold=yes').fold).toBe(false);
    expect(serializeViewState({ ...DEFAULT_VIEW, fold: false })).toBe('');
  });

  it('defaults from an empty query, and writes nothing for defaults', () => {
    expect(parseViewState('')).toEqual(DEFAULT_VIEW);
    expect(serializeViewState({ ...DEFAULT_VIEW })).toBe('');
  });

  it('round-trips every field', () => {
    const s: ViewState = {
      series: 'read_bytes',
      rows: 64,
      refresh: 30,
      brightness: 1 / 8,
      scale: 'linear',
      palette: 'cvd',
      range: { fromMs: 1_700_000_000_000, toMs: 1_700_000_600_000 },
      zoom: {
        fromMs: 1_700_000_100_000,
        toMs: 1_700_000_200_000,
        startKeyHex: '00ff',
        endKeyHex: 'abcd',
      },
      filter: 'user/ & <x>',
      fold: true,
    };
    const q = serializeViewState(s);
    expect(q).toContain('fold=1');
    expect(parseViewState(q)).toEqual(s);
    expect(parseViewState('?' + q)).toEqual(s);
    const presets = {
      ...DEFAULT_VIEW,
      range: '6h' as const,
      brightness: 16,
      zoom: { fromMs: 5, toMs: 9 },
    };
    expect(parseViewState(serializeViewState(presets))).toEqual(presets);
  });

  it('only non-defaults appear', () => {
    expect(serializeViewState({ ...DEFAULT_VIEW, series: 'reads' })).toBe('series=reads');
    expect(serializeViewState({ ...DEFAULT_VIEW, refresh: 5, rows: 10 })).toBe('rows=10&refresh=5');
  });

  it.each([
    'series=deletes',
    'rows=42abc',
    'rows=0',
    'refresh=3601',
    'refresh=-5',
    'refresh=5s',
    'brightness=3',
    'brightness=128',
    'brightness=-1',
    'brightness=1e1',
    'scale=sqrt',
    'palette=rainbow',
    'range=2h',
    'range=9-3',
    'range=abc-def',
    'zoom=1-2,zz,00',
    'zoom=5-1',
    'zoom=1-2,0,',
    'zoom=1-2,00,11,22',
    'series=%E0%A4%A',
  ])('invalid %s falls back to the default, never throws', (q) => {
    expect(parseViewState(q)).toEqual(DEFAULT_VIEW);
  });

  it('keeps valid fields when others are invalid', () => {
    expect(parseViewState('series=reads&rows=nope&palette=cvd')).toMatchObject({
      series: 'reads',
      rows: 1024,
      palette: 'cvd',
    });
  });

  it('accepts brightness as 1/N and caps the filter length', () => {
    expect(parseViewState('brightness=1/64').brightness).toBe(1 / 64);
    expect(parseViewState('brightness=0.25').brightness).toBe(0.25);
    expect(parseViewState('filter=' + 'a'.repeat(1000)).filter.length).toBe(256);
  });
});

describe('API config', () => {
  const base = (over: Partial<ConfigInputs> = {}): ConfigInputs => ({
    search: '',
    origin: 'https://kv.example:8443',
    meta: () => null,
    env: {},
    ...over,
  });

  it('defaults to the page origin and Connect', () => {
    expect(resolveApiConfig(base())).toEqual({
      baseUrl: 'https://kv.example:8443',
      transport: 'connect',
      baseUrlSource: 'origin',
    });
  });

  it('precedence: URL, then meta, then build-time env', () => {
    const meta = (n: string): string | null =>
      n === 'keyviz-api-base' ? '/node-a/' : n === 'keyviz-transport' ? 'grpc-web' : null;
    const env = {
      VITE_KEYVIZ_API_BASE: 'https://env.example/api',
      VITE_KEYVIZ_TRANSPORT: 'connect',
    };
    expect(resolveApiConfig(base({ env }))).toMatchObject({
      baseUrl: 'https://env.example/api',
      baseUrlSource: 'env',
    });
    expect(resolveApiConfig(base({ env, meta }))).toMatchObject({
      baseUrl: 'https://kv.example:8443/node-a',
      transport: 'grpc-web',
      baseUrlSource: 'meta',
    });
    expect(
      resolveApiConfig(base({ env, meta, search: '?api=/other&transport=connect' })),
    ).toMatchObject({
      baseUrl: 'https://kv.example:8443/other',
      transport: 'connect',
      baseUrlSource: 'url',
    });
  });

  it('refuses a foreign ?api= (it would receive the bearer token)', () => {
    expect(isSafeUrlOverride('https://evil.example/', 'https://kv.example')).toBe(false);
    expect(isSafeUrlOverride('javascript:alert(1)', 'https://kv.example')).toBe(false);
    expect(isSafeUrlOverride('http://localhost:8080', 'https://kv.example')).toBe(true);
    expect(resolveApiConfig(base({ search: '?api=https://evil.example/' })).baseUrlSource).toBe(
      'origin',
    );
  });

  it('ignores an unknown transport', () => {
    expect(resolveApiConfig(base({ search: '?transport=websocket' })).transport).toBe('connect');
    expect(resolveApiConfig(base({ search: '?transport=grpc-web' })).transport).toBe('grpc-web');
  });
});
