// Key display must be safe (no markup, no reordering, no hidden characters) and lossless enough
// to tell keys apart.
import { describe, expect, it } from 'vitest';
import {
  bucketIdParts,
  describeKey,
  displayKey,
  elideMiddle,
  fromBase64,
  fromHex,
  toBase64,
  toHex,
} from '../../src/data/keys.ts';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const s = (str: string): Uint8Array => new TextEncoder().encode(str);
/** No lone surrogates (String#isWellFormed is ES2024, beyond this project's lib). */
const wellFormed = (str: string): boolean => {
  try {
    encodeURIComponent(str);
    return true;
  } catch {
    return false;
  }
};

describe('displayKey', () => {
  it('keeps printable ASCII and valid UTF-8 as text', () => {
    expect(displayKey(s('user/00042'))).toBe('user/00042');
    expect(displayKey(s('ключ/é/日本/😀'))).toBe('ключ/é/日本/😀');
  });

  it('escapes backslash, so an escape in the output is never ambiguous', () => {
    expect(displayKey(s('a\\x41'))).toBe('a\\\\x41');
    expect(displayKey(b(0x41))).not.toBe(displayKey(s('\\x41')));
  });

  it('escapes control bytes, DEL and terminal escapes', () => {
    expect(displayKey(b(0x00, 0x1f, 0x7f, 0x0a, 0x09))).toBe('\\x00\\x1f\\x7f\\x0a\\x09');
    expect(displayKey(s('\x1b[31mred'))).toBe('\\x1b[31mred');
  });

  it('returns markup as inert text (React renders it as text)', () => {
    expect(displayKey(s('<script>alert(1)</script>'))).toBe('<script>alert(1)</script>');
  });

  it('escapes bidi overrides, zero-width and other invisible code points', () => {
    expect(displayKey(s('abc\u202edcba'))).toBe('abc\\u{202e}dcba');
    expect(displayKey(s('a\u200bb\u200dc\ufeffd\u2066e\u061cf'))).toBe(
      'a\\u{200b}b\\u{200d}c\\u{feff}d\\u{2066}e\\u{61c}f',
    );
    expect(displayKey(s('x\u0085y\u00a0z\u2028w'))).toBe('x\\u{85}y\\u{a0}z\\u{2028}w');
    expect(displayKey(s('\u{e0041}'))).toBe('\\u{e0041}'); // tag character
  });

  it('escapes invalid UTF-8 byte by byte', () => {
    expect(displayKey(b(0xff, 0xfe, 0x41))).toBe('\\xff\\xfeA');
    expect(displayKey(b(0xc3))).toBe('\\xc3'); // truncated sequence
    expect(displayKey(b(0xe6, 0x97))).toBe('\\xe6\\x97');
    expect(displayKey(b(0x80, 0x41))).toBe('\\x80A'); // stray continuation
  });

  it('rejects overlong encodings, UTF-16 surrogates and code points above U+10FFFF', () => {
    expect(displayKey(b(0xc0, 0xaf))).toBe('\\xc0\\xaf'); // overlong "/"
    expect(displayKey(b(0xe0, 0x80, 0xaf))).toBe('\\xe0\\x80\\xaf');
    expect(displayKey(b(0xf0, 0x80, 0x80, 0xaf))).toBe('\\xf0\\x80\\x80\\xaf');
    expect(displayKey(b(0xed, 0xa0, 0x80))).toBe('\\xed\\xa0\\x80'); // lone surrogate D800
    expect(displayKey(b(0xf4, 0x90, 0x80, 0x80))).toBe('\\xf4\\x90\\x80\\x80');
  });

  it('never emits raw control or bidi characters for any byte string', () => {
    const bad = {
      test: (str: string): boolean =>
        [...str].some((ch) => {
          const c = ch.codePointAt(0)!;
          return (
            c < 0x20 ||
            (c >= 0x7f && c <= 0x9f) ||
            (c >= 0x200b && c <= 0x200f) ||
            (c >= 0x202a && c <= 0x202e) ||
            (c >= 0x2066 && c <= 0x2069) ||
            c === 0xfeff
          );
        }),
    };
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(1 + (i % 24));
      for (let j = 0; j < bytes.length; j++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        bytes[j] = seed >> 16;
      }
      const out = displayKey(bytes);
      expect(bad.test(out)).toBe(false);
      expect(wellFormed(out)).toBe(true);
    }
  });
});

describe('describeKey', () => {
  it('gives length, hex, base64 and open ends', () => {
    const d = describeKey(s('k\x00'), 'start');
    expect(d).toEqual({ display: 'k\\x00', length: 2, hex: '6b00', base64: 'awA=', openEnd: null });
    expect(describeKey(b(), 'start').openEnd).toBe('-inf');
    expect(describeKey(b(), 'end').openEnd).toBe('+inf');
    expect(describeKey(b(), 'end').base64).toBe('');
  });

  it('hex round-trips', () => {
    const bytes = b(0, 1, 0xab, 0xff);
    expect(toHex(bytes)).toBe('0001abff');
    expect(Array.from(fromHex('0001ABff')!)).toEqual([0, 1, 0xab, 0xff]);
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
  });
});

describe('elideMiddle', () => {
  it('leaves short strings alone', () => {
    expect(elideMiddle('abc', 3)).toBe('abc');
    expect(elideMiddle('', 0)).toBe('');
  });

  it('cuts the middle and counts code points', () => {
    expect(elideMiddle('abcdefghij', 5)).toBe('ab…ij');
    const out = elideMiddle('😀😀😀😀😀😀😀😀', 5);
    expect(out).toBe('😀😀…😀😀');
    expect(wellFormed(out)).toBe(true);
  });

  it('never splits an escape', () => {
    const d = displayKey(b(0x00, 0x01, 0x02, 0x03, 0x04, 0x05));
    const out = elideMiddle(d, 10);
    expect(out).toMatch(/^(\\x[0-9a-f]{2})*…(\\x[0-9a-f]{2})*$/);
    expect([...out].length).toBeLessThanOrEqual(10);
    const u = elideMiddle('ab\\u{202e}cd\\u{200b}efghij', 9);
    expect(u).not.toMatch(/\\u\{[0-9a-f]*…|\\u…|\\x[0-9a-f]?…/);
    expect(elideMiddle('\\\\\\\\\\\\\\\\', 5)).toMatch(/^(\\\\)*…(\\\\)*$/);
  });

  it('maxChars < 1 gives an empty string', () => {
    expect(elideMiddle('abcdef', 0)).toBe('');
  });
});

describe('bucketIdParts', () => {
  it('splits route and virtual ids, keeping huge ids exact', () => {
    expect(bucketIdParts('route:12')).toEqual({ kind: 'route', id: '12', valid: true });
    expect(bucketIdParts('virtual:18446744073709551615')).toEqual({
      kind: 'virtual',
      id: '18446744073709551615',
      valid: true,
    });
  });
  it('flags anything else as invalid', () => {
    expect(bucketIdParts('route:')).toMatchObject({ valid: false });
    expect(bucketIdParts('other:1')).toMatchObject({ valid: false, id: 'other:1' });
    expect(bucketIdParts('route:1x')).toMatchObject({ valid: false });
  });
});

describe('base64', () => {
  it('round-trips every byte value; the empty string is the empty key', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
    expect(fromBase64('')).toEqual(new Uint8Array(0));
    expect(() => fromBase64('not base64!')).toThrow();
  });
});
