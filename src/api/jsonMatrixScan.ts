// The node's JSON matrix body (contract.md §2) -> the page's Matrix in one pass over the text,
// without JSON.parse: a 1024 x 1440 answer is about 4.4 million numbers, and a parsed tree of
// them (arrays of boxed doubles, one object per row) costs more than the scan itself. Number
// arrays go straight into Float64Arrays; only row metadata becomes JS strings.
//
// Same answer as JSON.parse + decodeMatrixJson (jsonSource.ts) wherever that path gives a
// well-typed answer, with two deliberate differences, both about exactness: uint64 digits at or
// above 2^53 are kept (cells in `exactValues` as the Connect path does, route_count and route
// ids as written), and invalid JSON that quoteRouteIds happened to repair (`[01]`, `[1 2]`) is
// refused like any other invalid JSON. Validation:
//   - any text JSON.parse refuses -> MatrixScanError 'syntax' (whole text checked, always first);
//   - no array column_unix_ms (last duplicate wins, as in JSON.parse) -> 'no_columns';
//   - a field of the wrong type, where the old path silently produced NaN/garbage or threw a
//     TypeError -> 'shape' naming the field.
// Duplicate keys resolve like JSON.parse (the last one wins, including whether it was valid).
// Every loop advances the cursor or throws, and nesting is skipped with an explicit stack, so
// hostile input ends in an error, never a hang or a stack overflow.

import { fromBase64 } from '../data/keys.ts';
import { foldedOf } from '../data/matrix.ts';
import {
  setTrackedBuckets,
  type Matrix,
  type NodeStatus,
  type RowMeta,
  type Series,
} from '../data/matrix.ts';
import { compareKeys } from '../data/view/keyOrder.ts';

export type MatrixScanErrorKind = 'syntax' | 'no_columns' | 'shape';

export class MatrixScanError extends Error {
  readonly kind: MatrixScanErrorKind;
  constructor(kind: MatrixScanErrorKind, message: string) {
    super(message);
    this.name = 'MatrixScanError';
    this.kind = kind;
  }
}

/** Thrown inside the scanner on a syntax error; turned into one MatrixScanError at the top. */
class SyntaxFail {
  constructor(readonly pos: number) {}
}

const TWO_53 = 2 ** 53;
const UINT64_MAX = '18446744073709551615';

/** A growable Float64Array: number arrays of all rows, back to back. */
class F64Pool {
  a: Float64Array;
  /** Used length: everything below is kept when the pool grows. */
  n = 0;
  constructor(size = 1 << 14) {
    this.a = new Float64Array(size);
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.a.length) return;
    let size = this.a.length * 2;
    while (size < this.n + extra) size *= 2;
    this.growTo(size);
  }
  growTo(size: number): void {
    if (size <= this.a.length) return;
    const next = new Float64Array(size);
    next.set(this.a.subarray(0, this.n));
    this.a = next;
  }
}

/** One number array's place in its pool; `exact`: [index in the array, digits] at >= 2^53. */
interface Span {
  off: number;
  len: number;
  exact: [number, string][] | null;
}

/** One row as scanned; `errors` holds the fields whose last occurrence was ill-typed. */
interface ScanRow {
  bucketId: string | undefined;
  label: string;
  start: string;
  end: string;
  aggregate: boolean | undefined;
  routeIds: string[];
  routeIdsTruncated: boolean;
  routeCount: string | undefined;
  values: Span | undefined;
  raft: Span | null;
  terms: Span | null;
  conflicts: boolean[] | null;
  errors: Map<string, string> | null;
  /** folded_buckets (ours, 1039) as read; not a count = not a folded row, as on JSON.parse. */
  folded: unknown;
}

/** A number literal's facts, filled by Scanner.number(). */
interface NumberLit {
  value: number;
  /** Bare digits (no sign, fraction or exponent): the literal is an exact uint64 candidate. */
  plain: boolean;
  start: number;
  end: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Bare digits of a uint64 (no leading zeros: JSON has none) at or above 2^53? */
function uint64Digits(d: string): boolean {
  return d.length < 20 || (d.length === 20 && d <= UINT64_MAX);
}

class Scanner {
  p = 0;
  readonly n: number;
  readonly lit: NumberLit = { value: 0, plain: true, start: 0, end: 0 };

  constructor(readonly s: string) {
    this.n = s.length;
  }

  fail(): never {
    throw new SyntaxFail(this.p);
  }

  ws(): void {
    const s = this.s;
    let p = this.p;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.p = p;
  }

  /** The char code at the cursor after whitespace (NaN at the end). */
  peek(): number {
    this.ws();
    return this.s.charCodeAt(this.p);
  }

  expect(c: number): void {
    if (this.peek() !== c) this.fail();
    this.p++;
  }

  literal(word: string): void {
    if (!this.s.startsWith(word, this.p)) this.fail();
    this.p += word.length;
  }

  /** A JSON string at the cursor (which is on its opening quote), escapes decoded. */
  string(): string {
    const s = this.s;
    let p = this.p + 1;
    const from = p;
    for (;;) {
      if (p >= this.n) {
        this.p = p;
        this.fail();
      }
      const c = s.charCodeAt(p);
      if (c === 34) {
        this.p = p + 1;
        return s.slice(from, p);
      }
      if (c === 92) break;
      if (c < 0x20) {
        this.p = p;
        this.fail();
      }
      p++;
    }
    // Escapes: rare (the node escapes only what it must), so build the rest piecewise.
    let out = s.slice(from, p);
    for (;;) {
      if (p >= this.n) {
        this.p = p;
        this.fail();
      }
      const c = s.charCodeAt(p);
      if (c === 34) {
        this.p = p + 1;
        return out;
      }
      if (c < 0x20) {
        this.p = p;
        this.fail();
      }
      if (c !== 92) {
        const run = p;
        while (p < this.n) {
          const d = s.charCodeAt(p);
          if (d === 34 || d === 92 || d < 0x20) break;
          p++;
        }
        out += s.slice(run, p);
        continue;
      }
      const e = s.charCodeAt(p + 1);
      p += 2;
      switch (e) {
        case 34:
          out += '"';
          break;
        case 92:
          out += '\\';
          break;
        case 47:
          out += '/';
          break;
        case 98:
          out += '\b';
          break;
        case 102:
          out += '\f';
          break;
        case 110:
          out += '\n';
          break;
        case 114:
          out += '\r';
          break;
        case 116:
          out += '\t';
          break;
        case 117: {
          for (let k = 0; k < 4; k++) {
            if (!isHex(s.charCodeAt(p + k))) {
              this.p = p + k;
              this.fail();
            }
          }
          // Lone surrogates are valid JSON and stay as they are, as in JSON.parse.
          out += String.fromCharCode(parseInt(s.slice(p, p + 4), 16));
          p += 4;
          break;
        }
        default:
          this.p = p - 1;
          this.fail();
      }
    }
  }

  /** A number literal at the cursor into this.lit (grammar checked as JSON.parse does). */
  number(): NumberLit {
    const s = this.s;
    const lit = this.lit;
    let p = this.p;
    const start = p;
    let plain = true;
    let c = s.charCodeAt(p);
    if (c === 45) {
      plain = false;
      c = s.charCodeAt(++p);
    }
    let v = 0;
    if (c === 48) {
      p++;
    } else if (c >= 49 && c <= 57) {
      // Up to 15 digits accumulate exactly; longer literals are re-read by Number() below.
      do {
        v = v * 10 + (c - 48);
        c = s.charCodeAt(++p);
      } while (c >= 48 && c <= 57);
    } else {
      this.p = p;
      this.fail();
    }
    c = s.charCodeAt(p);
    if (c === 46) {
      plain = false;
      p++;
      if (!isDigit(s.charCodeAt(p))) {
        this.p = p;
        this.fail();
      }
      while (isDigit(s.charCodeAt(p))) p++;
      c = s.charCodeAt(p);
    }
    if (c === 101 || c === 69) {
      plain = false;
      p++;
      c = s.charCodeAt(p);
      if (c === 43 || c === 45) p++;
      if (!isDigit(s.charCodeAt(p))) {
        this.p = p;
        this.fail();
      }
      while (isDigit(s.charCodeAt(p))) p++;
    }
    lit.value = plain && p - start <= 15 ? v : Number(s.slice(start, p));
    lit.plain = plain;
    lit.start = start;
    lit.end = p;
    this.p = p;
    return lit;
  }

  /** Any JSON value, checked and skipped (iteratively: nesting depth costs no stack). */
  skipValue(): void {
    const stack: number[] = []; // 1: in an object, 2: in an array
    for (;;) {
      const c = this.peek();
      if (c === 123) {
        this.p++;
        if (this.peek() === 125) this.p++;
        else {
          stack.push(1);
          this.key();
          continue;
        }
      } else if (c === 91) {
        this.p++;
        if (this.peek() === 93) this.p++;
        else {
          stack.push(2);
          continue;
        }
      } else this.scalar(c);
      // A value ended: close what it ends, or move to the next member / element.
      for (;;) {
        if (stack.length === 0) return;
        const d = this.peek();
        const top = stack[stack.length - 1];
        if (d === 44) {
          this.p++;
          if (top === 1) this.key();
          break;
        }
        if (d === (top === 1 ? 125 : 93)) {
          this.p++;
          stack.pop();
          continue;
        }
        this.fail();
      }
    }
  }

  /** A string, number, true, false or null at the cursor (c: its first char code). */
  scalar(c: number): void {
    if (c === 34) this.string();
    else if (c === 45 || isDigit(c)) this.number();
    else if (c === 116) this.literal('true');
    else if (c === 102) this.literal('false');
    else if (c === 110) this.literal('null');
    else this.fail();
  }

  /** An object key and its colon; the cursor ends before the value. */
  key(): string {
    if (this.peek() !== 34) this.fail();
    const k = this.string();
    this.expect(58);
    return k;
  }

  /** The members of the object at the cursor; `member` must consume each value. */
  object(member: (key: string) => void): void {
    this.p++; // '{'
    if (this.peek() === 125) {
      this.p++;
      return;
    }
    for (;;) {
      member(this.key());
      const d = this.peek();
      this.p++;
      if (d === 44) continue;
      if (d === 125) return;
      this.p--;
      this.fail();
    }
  }

  /** The elements of the array at the cursor; `element` must consume each one. */
  array(element: (index: number) => void): void {
    this.p++; // '['
    if (this.peek() === 93) {
      this.p++;
      return;
    }
    for (let i = 0; ; i++) {
      element(i);
      const d = this.peek();
      this.p++;
      if (d === 44) continue;
      if (d === 93) return;
      this.p--;
      this.fail();
    }
  }

  /**
   * A number array at the cursor into `pool` (the hot loop: ~4.4M numbers in a full answer).
   * Returns its span, or an error message (the array is still scanned to its end).
   * With `exact`, plain uint64 literals at or above 2^53 keep their digits.
   * Cursor, pool array and count live in locals: property traffic per number costs more than
   * the digits themselves.
   */
  numbers(pool: F64Pool, off: number, limit: number, exact: boolean): Span | string {
    const s = this.s;
    let err: string | null = null;
    let spans: [number, string][] | null = null;
    this.p++; // '['
    if (this.peek() === 93) {
      this.p++;
      return { off, len: 0, exact: null };
    }
    let p = this.p;
    let a = pool.a;
    let n = off;
    let overflow = 0;
    // Past `limit` numbers are only checked (the grid is column_unix_ms wide).
    const stop = off + limit;
    for (;;) {
      if (n === a.length && n < stop) {
        pool.n = n;
        pool.reserve(1);
        a = pool.a;
      }
      let c = s.charCodeAt(p);
      if (c >= 48 && c <= 57) {
        // Fast path: at most 15 digits (exact in a double) ending in ',' or ']'.
        let v = c - 48;
        let q = p + 1;
        let d = s.charCodeAt(q);
        if (c !== 48) {
          while (d >= 48 && d <= 57) {
            v = v * 10 + (d - 48);
            d = s.charCodeAt(++q);
          }
        }
        if ((d === 44 || d === 93) && q - p <= 15) {
          if (n < stop) a[n++] = v;
          else overflow++;
          p = q + 1;
          if (d === 93) break;
          continue;
        }
      } else if (c === 32 || c === 10 || c === 13 || c === 9) {
        this.p = p;
        c = this.peek();
        p = this.p;
      }
      // Everything else (long, signed, fractional, exponent, whitespace, not a number).
      this.p = p;
      if (c === 45 || (c >= 48 && c <= 57)) {
        const lit = this.number();
        if (n < stop) {
          if (exact && lit.plain && lit.value >= TWO_53) {
            const digits = s.slice(lit.start, lit.end);
            if (uint64Digits(digits)) (spans ??= []).push([n - off, digits]);
          }
          a[n++] = lit.value;
        } else overflow++;
      } else {
        err ??= `[${n - off + overflow}] is not a number`;
        this.skipValue();
        if (n < stop) n++;
        else overflow++;
      }
      const d = this.peek();
      this.p++;
      p = this.p;
      if (d === 44) continue;
      if (d === 93) break;
      this.p--;
      this.fail();
    }
    this.p = p;
    if (err !== null) return err;
    return { off, len: n - off + overflow, exact: spans };
  }
  /** The kind of JSON value at the cursor, for shape errors. */
  kindAt(): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' {
    const c = this.peek();
    if (c === 123) return 'object';
    if (c === 91) return 'array';
    if (c === 34) return 'string';
    if (c === 116 || c === 102) return 'boolean';
    if (c === 110) return 'null';
    return 'number';
  }
}

/** Bytes of a base64 key, or an error message (atob's rules, as the JSON.parse path used). */
function keyOf(b64: string): Uint8Array | string {
  if (b64 === '') return EMPTY;
  try {
    return fromBase64(b64);
  } catch {
    return 'is not base64';
  }
}

const EMPTY = new Uint8Array(0);

/** A uint64 field: bare digits kept exactly; other integral numbers as JSON.parse reads them. */
function uint64Of(sc: Scanner): string | null {
  const k = sc.kindAt();
  if (k === 'number') {
    const lit = sc.number();
    // Digits JSON.parse reads as Infinity are no count at all.
    if (lit.plain) return Number.isFinite(lit.value) ? sc.s.slice(lit.start, lit.end) : null;
    if (Number.isInteger(lit.value) && lit.value >= 0) return BigInt(lit.value).toString();
    return null;
  }
  if (k === 'string') {
    const v = sc.string();
    return /^\d+$/.test(v) ? v : null;
  }
  sc.skipValue();
  return null;
}

/**
 * Where rows' number arrays go. Strided (column_unix_ms came first, as a node sends it): row i
 * owns cells [i * cols, (i + 1) * cols) of each pool, so a node's already-sorted answer needs
 * no copy. Otherwise the arrays go back to back and assemble() lays them out.
 */
interface Pools {
  values: F64Pool;
  raft: F64Pool;
  terms: F64Pool;
  strided: boolean;
  cols: number;
  /** Strided: the cell count first allocated (a guess at rows x cols, at most 1024 rows). */
  guess: number;
  /** Strided: some row carried raft ids / terms. */
  sawRaft: boolean;
  sawTerms: boolean;
}

/** Where row `row`'s next array of `pool` goes: [offset, how many numbers are kept]. */
function place(pools: Pools, pool: F64Pool, row: number, again: boolean): [number, number] {
  if (!pools.strided) return [pool.n, Infinity];
  const cols = pools.cols;
  const off = row * cols;
  if (pool.a.length < off + cols) {
    pool.n = Math.min(pool.n, pool.a.length);
    pool.growTo(Math.max(pools.guess, off + cols, pool.a.length * 2));
  }
  // A duplicate key: the last occurrence decides, so clear what the earlier one wrote.
  if (again) pool.a.fill(0, off, off + cols);
  return [off, cols];
}

/** After a scan into `pool` at `off`: what the pool now holds. */
function placed(pools: Pools, pool: F64Pool, off: number, r: Span | string): void {
  if (pools.strided) pool.n = Math.max(pool.n, off + pools.cols);
  else if (typeof r !== 'string') pool.n = off + r.len;
}

function scanRow(sc: Scanner, pools: Pools, index: number): ScanRow {
  const row: ScanRow = {
    bucketId: undefined,
    label: '',
    start: '',
    end: '',
    aggregate: undefined,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: undefined,
    folded: undefined,
    values: undefined,
    raft: null,
    terms: null,
    conflicts: null,
    errors: null,
  };
  // The last occurrence of a key decides, valid or not (as JSON.parse keeps the last).
  const bad = (key: string, msg: string | null): void => {
    if (msg === null) row.errors?.delete(key);
    else (row.errors ??= new Map()).set(key, msg);
  };
  /** A string, or null/absent (when `nullable`): '' for those. */
  const str = (key: string, nullable: boolean): string | undefined => {
    const k = sc.kindAt();
    if (k === 'string') {
      bad(key, null);
      return sc.string();
    }
    if (k === 'null' && nullable) {
      sc.literal('null');
      bad(key, null);
      return '';
    }
    sc.skipValue();
    bad(key, `is a ${k}, not a string`);
    return undefined;
  };
  /** A boolean, or null (when `nullable`: false). */
  const bool = (key: string, nullable: boolean): boolean | undefined => {
    const k = sc.kindAt();
    if (k === 'boolean') {
      const t = sc.s.charCodeAt(sc.p) === 116;
      sc.literal(t ? 'true' : 'false');
      bad(key, null);
      return t;
    }
    if (k === 'null' && nullable) {
      sc.literal('null');
      bad(key, null);
      return false;
    }
    sc.skipValue();
    bad(key, `is a ${k}, not a boolean`);
    return undefined;
  };
  const seen = new Set<string>();
  /** A number array, or null/absent (null span). */
  const nums = (key: string, pool: F64Pool, exact: boolean): Span | null => {
    const k = sc.kindAt();
    if (k === 'array') {
      const [off, limit] = place(pools, pool, index, seen.has(key));
      seen.add(key);
      const r = sc.numbers(pool, off, limit, exact);
      placed(pools, pool, off, r);
      if (typeof r === 'string') {
        bad(key, r);
        return null;
      }
      bad(key, null);
      return r;
    }
    if (seen.has(key) && pools.strided) place(pools, pool, index, true);
    if (k === 'null') {
      sc.literal('null');
      bad(key, null);
      return null;
    }
    sc.skipValue();
    bad(key, `is a ${k}, not an array`);
    return null;
  };
  if (sc.kindAt() !== 'object') {
    const k = sc.kindAt();
    sc.skipValue();
    bad('', `is a ${k}, not an object`);
    return row;
  }
  sc.object((key) => {
    switch (key) {
      case 'bucket_id':
        row.bucketId = str(key, false);
        return;
      case 'label':
        row.label = str(key, true) ?? '';
        return;
      case 'start':
        row.start = str(key, true) ?? '';
        return;
      case 'end':
        row.end = str(key, true) ?? '';
        return;
      case 'aggregate':
        row.aggregate = bool(key, false);
        return;
      case 'folded_buckets':
        row.folded = sc.kindAt() === 'number' ? sc.number().value : (sc.skipValue(), undefined);
        return;
      case 'route_ids_truncated':
        row.routeIdsTruncated = bool(key, true) ?? false;
        return;
      case 'route_count': {
        const v = uint64Of(sc);
        row.routeCount = v ?? undefined;
        bad(key, v === null ? 'is not a uint64' : null);
        return;
      }
      case 'route_ids': {
        const k = sc.kindAt();
        row.routeIds = [];
        if (k === 'null') {
          sc.literal('null');
          bad(key, null);
          return;
        }
        if (k !== 'array') {
          sc.skipValue();
          bad(key, `is a ${k}, not an array`);
          return;
        }
        let msg: string | null = null;
        sc.array((i) => {
          const v = uint64Of(sc);
          if (v === null) msg ??= `[${i}] is not a uint64`;
          else row.routeIds.push(v);
        });
        bad(key, msg);
        return;
      }
      case 'values': {
        if (sc.kindAt() !== 'array') {
          const k = sc.kindAt();
          sc.skipValue();
          row.values = undefined;
          bad(key, `is a ${k}, not an array`);
          return;
        }
        row.values = nums(key, pools.values, true) ?? undefined;
        return;
      }
      case 'raft_group_ids':
        row.raft = nums(key, pools.raft, false);
        if (row.raft && row.raft.len > 0) pools.sawRaft = true;
        return;
      case 'leader_terms':
        row.terms = nums(key, pools.terms, false);
        if (row.terms && row.terms.len > 0) pools.sawTerms = true;
        return;
      case 'conflicts': {
        const k = sc.kindAt();
        row.conflicts = null;
        if (k === 'null') {
          sc.literal('null');
          bad(key, null);
          return;
        }
        if (k !== 'array') {
          sc.skipValue();
          bad(key, `is a ${k}, not an array`);
          return;
        }
        const cells: boolean[] = [];
        let msg: string | null = null;
        sc.array((i) => {
          const b = bool(key, false);
          if (b === undefined) msg ??= `[${i}] is not a boolean`;
          cells.push(b === true);
        });
        row.conflicts = cells;
        bad(key, msg);
        return;
      }
      default:
        sc.skipValue();
    }
  });
  return row;
}

function scanFanout(sc: Scanner): NodeStatus[] | string {
  const k = sc.kindAt();
  if (k === 'null') {
    sc.literal('null');
    return [];
  }
  if (k !== 'object') {
    sc.skipValue();
    return `fanout is a ${k}, not an object`;
  }
  let nodes: NodeStatus[] | string = [];
  sc.object((key) => {
    if (key !== 'nodes') {
      sc.skipValue();
      return;
    }
    const nk = sc.kindAt();
    if (nk === 'null') {
      sc.literal('null');
      nodes = [];
      return;
    }
    if (nk !== 'array') {
      sc.skipValue();
      nodes = `fanout.nodes is a ${nk}, not an array`;
      return;
    }
    const list: NodeStatus[] = [];
    let msg: string | null = null;
    sc.array((i) => {
      if (sc.kindAt() !== 'object') {
        sc.skipValue();
        msg ??= `fanout.nodes[${i}] is not an object`;
        return;
      }
      let node: string | null = null;
      let ok: boolean | null = null;
      let error = '';
      const fields = new Map<string, boolean>(); // key -> well typed (last wins)
      sc.object((f) => {
        const fk = sc.kindAt();
        if (f === 'node') {
          node = fk === 'string' ? sc.string() : null;
          if (fk !== 'string') sc.skipValue();
          fields.set(f, fk === 'string');
        } else if (f === 'ok') {
          if (fk === 'boolean') {
            ok = sc.s.charCodeAt(sc.p) === 116;
            sc.literal(ok ? 'true' : 'false');
          } else sc.skipValue();
          fields.set(f, fk === 'boolean');
        } else if (f === 'error') {
          if (fk === 'string') error = sc.string();
          else {
            if (fk === 'null') error = '';
            sc.skipValue();
          }
          fields.set(f, fk === 'string' || fk === 'null');
        } else sc.skipValue();
      });
      if (
        fields.get('node') !== true ||
        fields.get('ok') !== true ||
        fields.get('error') === false
      ) {
        msg ??= `fanout.nodes[${i}] needs node (string), ok (boolean), error (string)`;
        return;
      }
      const okv = ok === true;
      list.push({
        node: node ?? '',
        ok: okv,
        error,
        code: okv ? '' : codeOf(error),
        latencyMs: 0,
      });
    });
    nodes = msg ?? list;
  });
  return nodes;
}

/** "unavailable: upstream unreachable" -> "unavailable" (the gateway's error format). */
export function codeOf(error: string): string {
  const m = /^([a-z_]+):/.exec(error);
  return m ? m[1] : '';
}

/**
 * The node's matrix JSON text -> the page's Matrix (rows sorted by start key, then bucket id:
 * a node's cluster view does not re-sort merged rows). Throws MatrixScanError.
 */
export function scanMatrixJson(text: string, series: Series, strided = true): Matrix {
  const sc = new Scanner(text);
  const pools: Pools = {
    values: new F64Pool(0),
    raft: new F64Pool(0),
    terms: new F64Pool(0),
    strided: false,
    cols: 0,
    guess: 0,
    sawRaft: false,
    sawTerms: false,
  };
  // Assigned in callbacks: one holder, so the checks below see the values the scan left.
  const top: {
    columns: Float64Array | null;
    columnsErr: string | null;
    rows: ScanRow[];
    rowsErr: string | null;
    nodes: NodeStatus[] | string;
    isObject: boolean;
    /** tracked_buckets (ours, 1028) as read, 0 when not a number (last duplicate wins). */
    tracked: number;
    /** key_space_folded (ours, 1029): true only for the literal true (last duplicate wins). */
    folded: boolean;
  } = {
    columns: null,
    columnsErr: null,
    rows: [],
    rowsErr: null,
    nodes: [],
    isObject: false,
    tracked: 0,
    folded: false,
  };
  try {
    if (sc.kindAt() === 'object') {
      top.isObject = true;
      sc.object((key) => {
        if (key === 'column_unix_ms') {
          if (sc.kindAt() !== 'array') {
            sc.skipValue();
            top.columns = null;
            top.columnsErr = null;
            return;
          }
          const pool = new F64Pool();
          const r = sc.numbers(pool, 0, Infinity, false);
          top.columns = typeof r === 'string' ? new Float64Array(0) : pool.a.slice(0, r.len);
          top.columnsErr = typeof r === 'string' ? `column_unix_ms${r}` : null;
        } else if (key === 'rows') {
          const k = sc.kindAt();
          const rows: ScanRow[] = [];
          top.rows = rows;
          top.rowsErr = null;
          // Fresh (zeroed) pools: a duplicate "rows" replaces the earlier one entirely.
          const cols = top.columns?.length ?? 0;
          pools.strided = strided && top.columns !== null && cols > 0;
          pools.cols = cols;
          // At most 1024 rows (the node's cap), and at least 2 characters per number.
          pools.guess = pools.strided
            ? Math.min(1024, Math.ceil(text.length / (2 * cols))) * cols
            : 0;
          pools.values = new F64Pool(pools.strided ? pools.guess : 1 << 14);
          pools.raft = new F64Pool(pools.strided ? 0 : 1 << 10);
          pools.terms = new F64Pool(pools.strided ? 0 : 1 << 10);
          pools.sawRaft = false;
          pools.sawTerms = false;
          if (k === 'null') sc.literal('null');
          else if (k !== 'array') {
            sc.skipValue();
            top.rowsErr = `rows is a ${k}, not an array`;
          } else sc.array((i) => rows.push(scanRow(sc, pools, i)));
        } else if (key === 'fanout') {
          top.nodes = scanFanout(sc);
        } else if (key === 'tracked_buckets') {
          // Judged by setTrackedBuckets, as on the JSON.parse path; a non-number counts as none.
          const v = sc.kindAt() === 'number' ? sc.number().value : (sc.skipValue(), 0);
          top.tracked = v;
        } else if (key === 'key_space_folded') {
          const t = sc.kindAt() === 'boolean' && sc.s.charCodeAt(sc.p) === 116;
          sc.skipValue();
          top.folded = t;
        } else sc.skipValue();
      });
    } else sc.skipValue();
    sc.ws();
    if (sc.p < sc.n) sc.fail(); // text after the value
  } catch (e) {
    if (e instanceof SyntaxFail) throw new MatrixScanError('syntax', 'matrix answer is not JSON');
    throw e;
  }
  if (!top.isObject || top.columns === null) {
    throw new MatrixScanError('no_columns', 'matrix answer has no column_unix_ms');
  }
  const shape = (msg: string): never => {
    throw new MatrixScanError('shape', `matrix answer: ${msg}`);
  };
  if (top.columnsErr !== null) shape(top.columnsErr);
  if (top.rowsErr !== null) shape(top.rowsErr);
  if (typeof top.nodes === 'string') return shape(top.nodes);
  if (pools.strided && pools.cols !== top.columns.length) {
    // A later duplicate column_unix_ms changed the grid the rows were laid out for (hostile
    // input only): lay them out back to back instead.
    return scanMatrixJson(text, series, false);
  }
  const m = assemble(top.columns, top.rows, pools, top.nodes, series, shape);
  setTrackedBuckets(m, top.tracked);
  if (top.folded) m.keySpaceFolded = true;
  return m;
}

/** Exactly `cells` long: the array itself when it fits, else a copy (zero-padded if short). */
function fit(a: Float64Array, cells: number): Float64Array {
  if (a.length === cells) return a;
  if (a.length > cells) return a.slice(0, cells);
  const out = new Float64Array(cells);
  out.set(a);
  return out;
}

function assemble(
  columns: Float64Array,
  scanned: ScanRow[],
  pools: Pools,
  nodes: NodeStatus[],
  series: Series,
  shape: (msg: string) => never,
): Matrix {
  const colCount = columns.length;
  const starts: Uint8Array[] = new Array<Uint8Array>(scanned.length);
  const ends: Uint8Array[] = new Array<Uint8Array>(scanned.length);
  for (let i = 0; i < scanned.length; i++) {
    const r = scanned[i];
    const where = `rows[${i}]`;
    if (r.errors && r.errors.size > 0) {
      const [k, msg] = r.errors.entries().next().value as [string, string];
      shape(k === '' ? `${where} ${msg}` : `${where}.${k} ${msg}`);
    }
    if (r.bucketId === undefined) shape(`${where} has no bucket_id`);
    if (r.aggregate === undefined) shape(`${where} has no aggregate`);
    if (r.routeCount === undefined) shape(`${where} has no route_count`);
    if (r.values === undefined) shape(`${where} has no values`);
    const s = keyOf(r.start);
    if (typeof s === 'string') return shape(`${where}.start ${s}`);
    const e = keyOf(r.end);
    if (typeof e === 'string') return shape(`${where}.end ${e}`);
    starts[i] = s;
    ends[i] = e;
  }
  const order = Array.from(scanned, (_r, i) => i);
  order.sort((a, b) => {
    const ia = scanned[a].bucketId as string;
    const ib = scanned[b].bucketId as string;
    return compareKeys(starts[a], starts[b]) || (ia < ib ? -1 : ia > ib ? 1 : 0);
  });
  const rowCount = scanned.length;
  const cells = rowCount * colCount;
  // Strided and already in order (a node's usual answer): the pools are the matrix.
  const inPlace = pools.strided && order.every((v, i) => v === i);
  const values = inPlace ? fit(pools.values.a, cells) : new Float64Array(cells);
  const hasRaft = scanned.some((r) => r.raft !== null && r.raft.len > 0);
  const hasTerms = scanned.some((r) => r.terms !== null && r.terms.len > 0);
  let raftGroupIds: Float64Array | null = inPlace && hasRaft ? fit(pools.raft.a, cells) : null;
  let leaderTerms: Float64Array | null = inPlace && hasTerms ? fit(pools.terms.a, cells) : null;
  let conflicts: Uint8Array | null = null;
  let exactValues: Map<number, string> | undefined;
  let max = 0;
  const vp = pools.values.a;
  const rows: RowMeta[] = new Array<RowMeta>(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const src = order[i];
    const r = scanned[src];
    const span = r.values as Span;
    const off = i * colCount;
    // Extra cells are ignored and missing ones stay 0: the grid is column_unix_ms wide.
    const n = Math.min(colCount, span.len);
    let total = 0;
    if (inPlace) {
      for (let j = off, e = off + n; j < e; j++) {
        const v = values[j];
        total += v;
        if (v > max) max = v;
      }
    } else {
      for (let c = 0, j = span.off; c < n; c++, j++) {
        const v = vp[j];
        values[off + c] = v;
        total += v;
        if (v > max) max = v;
      }
    }
    if (span.exact) {
      for (const [c, digits] of span.exact) {
        if (c < colCount) (exactValues ??= new Map()).set(off + c, digits);
      }
    }
    if (!inPlace && r.raft && r.raft.len > 0) {
      raftGroupIds ??= new Float64Array(cells);
      const m = Math.min(colCount, r.raft.len);
      raftGroupIds.set(pools.raft.a.subarray(r.raft.off, r.raft.off + m), off);
    }
    if (!inPlace && r.terms && r.terms.len > 0) {
      leaderTerms ??= new Float64Array(cells);
      const m = Math.min(colCount, r.terms.len);
      leaderTerms.set(pools.terms.a.subarray(r.terms.off, r.terms.off + m), off);
    }
    if (r.conflicts) {
      const m = Math.min(colCount, r.conflicts.length);
      for (let c = 0; c < m; c++) {
        if (!r.conflicts[c]) continue;
        conflicts ??= new Uint8Array(cells);
        conflicts[off + c] = 1;
      }
    }
    rows[i] = {
      bucketId: r.bucketId as string,
      start: starts[src],
      end: ends[src],
      label: r.label,
      aggregate: r.aggregate as boolean,
      routeIds: r.routeIds,
      routeIdsTruncated: r.routeIdsTruncated,
      routeCount: r.routeCount as string,
      total,
      contributingNodes: [],
      ...foldedOf(r.folded),
    };
  }
  const matrix: Matrix = {
    series,
    columns,
    rows,
    rowCount,
    colCount,
    values,
    raftGroupIds,
    leaderTerms,
    max,
    nodes,
    conflicts,
  };
  if (exactValues) matrix.exactValues = exactValues;
  return matrix;
}
