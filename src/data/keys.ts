// Raw key bytes -> safe display text. Printable UTF-8 stays text; everything that could hide,
// reorder or style text (controls, C1, bidi overrides, zero-width, invalid UTF-8) becomes a
// visible escape. Results are plain strings: React renders them as text, never markup.

export interface KeyDescription {
  /** Printable runs as text, other bytes \xNN, unsafe code points \u{...}, backslash as \\. */
  display: string;
  /** Length in bytes. */
  length: number;
  /** Lowercase hex of all bytes. */
  hex: string;
  /** Standard padded base64 (as the node's JSON API sends keys). */
  base64: string;
  /** Empty start = the low end, empty end = the unbounded tail; null for a real key. */
  openEnd: '-inf' | '+inf' | null;
}

const HEX = '0123456789abcdef';

function hexByte(b: number): string {
  return HEX[b >> 4] + HEX[b & 15];
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += hexByte(bytes[i]);
  return s;
}

/** Bytes from hex (even length, [0-9a-f] either case); null when malformed. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Bytes from standard base64; throws (as atob does) when malformed. */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Non-ASCII code points that must not render raw: C0/C1 controls (Cc), format characters
// (Cf: bidi embeddings/overrides/isolates, zero-width joiners, BOM, soft hyphen, tags), line and
// paragraph separators, non-ASCII spaces (look like a space but are not), unassigned, private use.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}\p{Cn}\p{Co}]/u;

/** Strict UTF-8 sequence at i: [codePoint, byteLength], or null (invalid/overlong/surrogate). */
function utf8At(b: Uint8Array, i: number): [number, number] | null {
  const b0 = b[i];
  let need: number;
  let cp: number;
  let min: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    cp = b0 & 0x1f;
    min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    cp = b0 & 0x0f;
    min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    cp = b0 & 0x07;
    min = 0x10000;
  } else return null;
  if (i + need >= b.length) return null; // truncated sequence
  for (let k = 1; k <= need; k++) {
    const c = b[i + k];
    if ((c & 0xc0) !== 0x80) return null;
    cp = (cp << 6) | (c & 0x3f);
  }
  // Overlong forms, UTF-16 surrogates (ED A0 80..) and beyond U+10FFFF are not valid UTF-8.
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return null;
  return [cp, need + 1];
}

/** Safe display text for raw key bytes (see KeyDescription.display). */
export function displayKey(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0x5c) s += '\\\\';
      else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
      else s += '\\x' + hexByte(b);
      i++;
      continue;
    }
    const seq = utf8At(bytes, i);
    if (seq === null) {
      s += '\\x' + hexByte(b);
      i++;
      continue;
    }
    const ch = String.fromCodePoint(seq[0]);
    s += UNSAFE.test(ch) ? `\\u{${seq[0].toString(16)}}` : ch;
    i += seq[1];
  }
  return s;
}

const utf8 = new TextEncoder();

/**
 * A label or bucket id for display and export, escaped exactly like keys: control, format
 * (U+202E, zero-width), separator and unassigned code points become \u{...}, NUL and BEL \xNN,
 * a backslash doubles. Plain ASCII (every real label and id) comes back unchanged.
 */
export function displayText(s: string): string {
  if (/^[\x20-\x5b\x5d-\x7e]*$/.test(s)) return s;
  return displayKey(utf8.encode(s));
}

export function describeKey(bytes: Uint8Array, side: 'start' | 'end'): KeyDescription {
  const empty = bytes.length === 0;
  return {
    display: displayKey(bytes),
    length: bytes.length,
    hex: toHex(bytes),
    base64: toBase64(bytes),
    openEnd: empty ? (side === 'start' ? '-inf' : '+inf') : null,
  };
}

/** Display atoms: an escape (\\, \xNN, \u{...}) or one code point; never split when eliding. */
const ATOM = /\\\\|\\x[0-9a-fA-F]{2}|\\u\{[0-9a-fA-F]+\}|[\s\S]/gu;

/**
 * Shortens s to at most maxChars code points by replacing its middle with "…", cutting only
 * between whole escapes and whole code points (never inside \xNN or a surrogate pair).
 */
export function elideMiddle(s: string, maxChars: number): string {
  const atoms = s.match(ATOM) ?? [];
  const widths = atoms.map((a) => (a.length === 1 || a.codePointAt(0)! > 0xffff ? 1 : a.length));
  const total = widths.reduce((x, y) => x + y, 0);
  if (total <= maxChars) return s;
  if (maxChars < 1) return '';
  const budget = maxChars - 1; // room for the ellipsis
  let headBudget = Math.ceil(budget / 2);
  let tailBudget = budget - headBudget;
  let head = '';
  let i = 0;
  while (i < atoms.length && widths[i] <= headBudget) {
    head += atoms[i];
    headBudget -= widths[i];
    i++;
  }
  // Unused head room goes to the tail.
  tailBudget += headBudget;
  let tail = '';
  let j = atoms.length - 1;
  while (j >= i && widths[j] <= tailBudget) {
    tail = atoms[j] + tail;
    tailBudget -= widths[j];
    j--;
  }
  return `${head}…${tail}`;
}

export interface BucketIdParts {
  kind: 'route' | 'virtual';
  /** Decimal id (may exceed 2^53: kept as text). */
  id: string;
  /** False when the id had neither prefix (then kind is 'route' and id is the raw text). */
  valid: boolean;
}

/** "route:12" -> {route, "12"}; "virtual:18446744073709551615" -> {virtual, ...}. */
export function bucketIdParts(bucketId: string): BucketIdParts {
  const m = /^(route|virtual):(\d+)$/.exec(bucketId);
  if (m) return { kind: m[1] as 'route' | 'virtual', id: m[2], valid: true };
  return { kind: 'route', id: bucketId, valid: false };
}
