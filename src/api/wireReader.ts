// A cursor over protobuf wire bytes for the page's hand-rolled decoders (matrix rows in
// decodeRow.ts, embedded file descriptors in leanFileDesc.ts). Every read advances or throws a
// WireError with the byte offset, so hostile input ends in a clear error, never a hang.

const utf8 = new TextDecoder();
const TWO_32 = 4294967296;

/** A decoding failure with the byte offset where it happened. */
export class WireError extends Error {
  constructor(message: string, offset: number) {
    super(`protobuf: ${message} at byte ${offset}`);
    this.name = 'WireError';
  }
}

/**
 * Cursor over one message's bytes. `hi` and `lo` hold the last 64-bit varint's halves (for ids
 * that must stay exact above 2^53); readers return numbers otherwise.
 */
export class WireReader {
  pos: number;
  end: number;
  lo = 0;
  hi = 0;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Reads a varint of up to 64 bits into `lo`/`hi` (both unsigned 32-bit). */
  varint64(): void {
    const buf = this.buf;
    let p = this.pos;
    const end = this.end;
    let lo = 0;
    let hi: number;
    let shift = 0;
    let b: number;
    // Low 28 bits from the first four bytes.
    for (; shift < 28; shift += 7) {
      if (p >= end) throw new WireError('truncated varint', p);
      b = buf[p++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = p;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    // Fifth byte straddles the halves: 4 bits to lo, 3 bits to hi.
    if (p >= end) throw new WireError('truncated varint', p);
    b = buf[p++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (shift = 3; ; shift += 7) {
        if (shift > 31) throw new WireError('varint longer than 10 bytes', p);
        if (p >= end) throw new WireError('truncated varint', p);
        b = buf[p++];
        if (shift < 32) hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = p;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A uint64 varint as a number (exact below 2^53, nearest double above). */
  uint64(): number {
    this.varint64();
    return this.hi * TWO_32 + this.lo;
  }

  /** An int64 varint (two's complement) as a number. */
  int64(): number {
    this.varint64();
    if (this.hi & 0x80000000) {
      // Negative: -(~x + 1) over the two halves.
      const lo = (~this.lo + 1) >>> 0;
      const hi = (~this.hi + (lo === 0 ? 1 : 0)) >>> 0;
      return -(hi * TWO_32 + lo);
    }
    return this.hi * TWO_32 + this.lo;
  }

  /** A uint64 varint as an exact decimal string. */
  uint64String(): string {
    this.varint64();
    return uint64ToDecimal(this.hi, this.lo);
  }

  /** A varint that must fit 32 bits (tags, lengths). */
  uint32(): number {
    const buf = this.buf;
    const p = this.pos;
    // Fast path: one byte.
    if (p < this.end && buf[p] < 0x80) {
      this.pos = p + 1;
      return buf[p];
    }
    this.varint64();
    if (this.hi !== 0) throw new WireError('varint does not fit 32 bits', this.pos);
    return this.lo;
  }

  /** The [start, end) range of a length-delimited field's payload; advances past it. */
  lengthDelimited(): number {
    const len = this.uint32();
    const start = this.pos;
    if (len > this.end - start) {
      throw new WireError(
        `length ${len} runs past the end (${this.end - start} bytes left)`,
        start,
      );
    }
    this.pos = start + len;
    return start;
  }

  bytes(): Uint8Array {
    const start = this.lengthDelimited();
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    const start = this.lengthDelimited();
    return utf8.decode(this.buf.subarray(start, this.pos));
  }

  /** Skips one field's value of the given wire type (groups included). */
  skip(wireType: number, fieldNo: number): void {
    switch (wireType) {
      case 0:
        this.varint64();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.lengthDelimited();
        return;
      case 5:
        this.advance(4);
        return;
      case 3: {
        // Deprecated group: skip nested fields until the matching end-group tag.
        for (;;) {
          if (this.pos >= this.end) throw new WireError('unterminated group', this.pos);
          const tag = this.uint32();
          const wt = tag & 7;
          if (wt === 4) {
            if (tag >>> 3 !== fieldNo) throw new WireError('mismatched end group', this.pos);
            return;
          }
          this.skip(wt, tag >>> 3);
        }
      }
      default:
        throw new WireError(`unsupported wire type ${wireType}`, this.pos);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new WireError('truncated fixed-width field', this.pos);
    this.pos += n;
  }
}

/** Exact decimal text of the unsigned 64-bit value hi*2^32+lo. */
export function uint64ToDecimal(hi: number, lo: number): string {
  // Below 2^53 a double is exact; BigInt only for the rare huge ids (virtual buckets).
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}
