// The whole GetKeyVizMatrixResponse as one byte array, built in slices of rows
// (awaiting `pause()` between slices so other requests are served meanwhile),
// and a message that carries such bytes through connect-node unchanged.
//
// Bytes: column_unix_ms (1), then each row as field 2, then nodes (1000) and
// conflicts (1001), column_width_ms (1010): the field order protobuf-es's toBinary uses.
import { create, toBinary } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import {
  GetKeyVizMatrixResponseWireSchema,
  type GetKeyVizMatrixResponseWire,
} from '../../src/gen/keyviz_wire_pb.ts';
import type { MatrixAnswer } from '../sampler/types.ts';
import { encodeRows } from './encode-row.ts';
import { toCellConflictMessages, toNodeStatusMessages } from './generic.ts';
import { varintSize, writeVarint } from './varint.ts';

const TAG_ROWS = 0x12;

/** About this many cells are encoded between two pauses (a few ms of work). */
export const CELLS_PER_SLICE = 1 << 16;

export async function encodeMatrixResponseBytes(
  answer: MatrixAnswer,
  pause: () => Promise<void>,
): Promise<Uint8Array> {
  const head = toBinary(
    GetKeyVizMatrixResponseWireSchema,
    create(GetKeyVizMatrixResponseWireSchema, {
      columnUnixMs: answer.columnUnixMs.map((t) => BigInt(t)),
    }),
  );
  const tail = toBinary(
    GetKeyVizMatrixResponseWireSchema,
    create(GetKeyVizMatrixResponseWireSchema, {
      nodes: toNodeStatusMessages(answer),
      conflicts: toCellConflictMessages(answer),
      columnWidthMs: (answer.columnWidthMs ?? []).map((w) => BigInt(w)),
      trackedBuckets: BigInt(answer.trackedBuckets ?? 0),
      alignedStepMs: BigInt(answer.alignedStepMs ?? 0),
      keySpaceFolded: answer.keySpaceFolded === true,
    }),
  );
  const R = answer.rows.length;
  const perSlice = Math.max(
    1,
    Math.floor(CELLS_PER_SLICE / Math.max(1, answer.columnUnixMs.length)),
  );
  const rows: Uint8Array[] = [];
  for (let lo = 0; lo < R; lo += perSlice) {
    await pause();
    const hi = Math.min(R, lo + perSlice);
    rows.push(...encodeRows(answer.rows.slice(lo, hi), answer.contributingNodes?.slice(lo, hi)));
  }
  let size = head.length + tail.length;
  for (const r of rows) size += 1 + varintSize(r.length) + r.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let pos = head.length;
  for (const r of rows) {
    out[pos++] = TAG_ROWS;
    pos = writeVarint(out, pos, r.length);
    out.set(r, pos);
    pos += r.length;
  }
  out.set(tail, pos);
  return out;
}

/**
 * A response message whose serialisation is `bytes` exactly: the bytes ride as
 * one unknown field (toBinary writes its tag, then its data verbatim), so
 * connect-node copies them once instead of encoding a matrix per call.
 */
export function preEncodedMatrix(bytes: Uint8Array): GetKeyVizMatrixResponseWire {
  const msg = create(GetKeyVizMatrixResponseWireSchema);
  if (bytes.length === 0) return msg;
  // The first tag is a varint: field number and wire type.
  let tag = 0;
  let shift = 0;
  let i = 0;
  for (;;) {
    const b = bytes[i++];
    tag += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) break;
  }
  msg.$unknown = [
    { no: Math.floor(tag / 8), wireType: (tag & 7) as WireType, data: bytes.subarray(i) },
  ];
  return msg;
}
