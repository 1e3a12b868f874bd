// Protobuf base-128 varints over JS numbers, without bigint on the fast path.
// Numbers are exact up to 2^53; uint64 values above that (virtual bucket ids,
// member route ids from other nodes) go through the (lo, hi) 32-bit-half forms.

/** 2^32: combines and splits the (lo, hi) halves; shared by the server's wire code. */
export const TWO_32 = 4294967296;

/** Bytes a non-negative integer takes as a varint (values are floored, negatives count as 0). */
export function varintSize(v: number): number {
  if (!(v >= 0x80)) return 1; // also 0, negatives and NaN, which writeVarint writes as 0
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  if (v < 0x800000000) return 5;
  if (v < 0x40000000000) return 6;
  if (v < 0x2000000000000) return 7;
  if (v < 0x100000000000000) return 8;
  if (v < 0x8000000000000000) return 9;
  return 10;
}

/** Writes a non-negative integer below 2^64; returns the new position. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  if (!(v > 0)) {
    buf[pos] = 0; // 0, negatives and NaN all encode as 0: counters are never negative
    return pos + 1;
  }
  if (v < 0x10000000) {
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos] = v;
    return pos + 1;
  }
  const lo = (v % TWO_32) >>> 0;
  return writeVarintHiLo(buf, pos, lo, Math.min(Math.floor(v / TWO_32), TWO_32 - 1));
}

/** Writes the uint64 hi * 2^32 + lo (both unsigned 32-bit). */
export function writeVarintHiLo(buf: Uint8Array, pos: number, lo: number, hi: number): number {
  // Seven bits at a time across the two halves.
  while (hi > 0 || lo > 0x7f) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | ((hi & 0x7f) << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos] = lo;
  return pos + 1;
}

export function varintSizeHiLo(lo: number, hi: number): number {
  if (hi === 0) return varintSize(lo);
  return Math.ceil((64 - Math.clz32(hi)) / 7); // bit length of hi:lo, 7 bits a byte
}

/** Decimal uint64 string -> 32-bit halves (exact for all of 0..2^64-1). */
export function decimalToHiLo(s: string): [lo: number, hi: number] {
  if (s.length <= 15) {
    const v = Number(s);
    return [(v % TWO_32) >>> 0, Math.floor(v / TWO_32)];
  }
  const b = BigInt.asUintN(64, BigInt(s));
  return [Number(b & 0xffffffffn), Number(b >> 32n)];
}

/** A cursor over protobuf bytes; read methods advance `pos`. */
export class Reader {
  pos = 0;
  /** Halves of the last readVarint64(). */
  lo = 0;
  hi = 0;

  constructor(
    readonly buf: Uint8Array,
    /** End of the message being read (narrowed while inside a nested one). */
    public end = buf.length,
  ) {}

  /** A varint as a number (exact below 2^53; wraps nothing, loses precision above). */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b < 0x80) return b;
    let v = b & 0x7f;
    b = buf[this.pos++];
    v |= (b & 0x7f) << 7;
    if (b < 0x80) return v;
    b = buf[this.pos++];
    v |= (b & 0x7f) << 14;
    if (b < 0x80) return v;
    b = buf[this.pos++];
    v |= (b & 0x7f) << 21;
    if (b < 0x80) return v;
    // 28 bits so far (non-negative int); continue in floating point.
    let mul = 0x10000000;
    for (let i = 4; i < 10; i++) {
      b = buf[this.pos++];
      if (b === undefined) throw new RangeError('truncated varint');
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  }

  /** A varint into this.lo / this.hi (exact 64-bit). */
  varint64(): void {
    const buf = this.buf;
    let lo = 0;
    let hi: number;
    let shift = 0;
    let b: number;
    for (; shift < 28; shift += 7) {
      b = buf[this.pos++];
      if (b === undefined) throw new RangeError('truncated varint');
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    b = buf[this.pos++];
    if (b === undefined) throw new RangeError('truncated varint');
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (shift = 3; shift < 32; shift += 7) {
        b = buf[this.pos++];
        if (b === undefined) throw new RangeError('truncated varint');
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      if (b >= 0x80) throw new RangeError('varint too long');
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A signed int64 varint as a number (exact within ±2^53). */
  int64(): number {
    this.varint64();
    return (this.hi | 0) * TWO_32 + this.lo;
  }

  /** Length prefix of a length-delimited field; returns its end position. */
  delimitedEnd(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (end > this.end) throw new RangeError('length-delimited field overruns its message');
    return end;
  }

  /** Skips one field's payload of the given wire type. */
  skip(wireType: number, field: number): void {
    switch (wireType) {
      case 0:
        this.varint64();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimitedEnd();
        break;
      case 5:
        this.pos += 4;
        break;
      case 3: {
        // group: skip fields until the matching end-group tag
        for (;;) {
          if (this.pos >= this.end) throw new RangeError('unterminated group');
          const tag = this.varint();
          if ((tag & 7) === 4) {
            if (tag >>> 3 !== field) throw new RangeError('mismatched end group');
            return;
          }
          this.skip(tag & 7, tag >>> 3);
        }
      }
      default:
        throw new RangeError(`invalid wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new RangeError('field overruns its message');
  }
}
