// Writes a big body (a full matrix is 5-25 MB, shared by every response that
// sends it) in bounded slices with backpressure: a slice is a view (no copy),
// the next one waits for 'drain' once the socket's buffer is full, and the loop
// yields after WRITE_TURN_BYTES in one turn even when the kernel takes it all.
// So one loop turn never pushes many answers into many sockets, and a response
// whose client has gone stops at once, holding nothing of the body.

/** Largest slice handed to one write() on HTTP/1.1. */
export const WRITE_SLICE_BYTES = 256 * 1024;
/**
 * On HTTP/2, one DATA frame (16 KiB, nghttp2's default frame size). Node counts a
 * stream's queued bytes against its session's maxSessionMemory until they are
 * released, and a client that cancels and asks again has its new stream checked
 * (often in the same read as the RST) while the cancelled one's bytes still count:
 * with 256 KiB slices one client cancelling ~120 calls a second still drew
 * ENHANCE_YOUR_CALM refusals (62 in 5 s, loaded); with 16 KiB slices none.
 */
export const H2_WRITE_SLICE_BYTES = 16 * 1024;
/** Bytes written in one loop turn before yielding to other I/O (/healthz, new calls). */
export const WRITE_TURN_BYTES = 1024 * 1024;

/** The part of a Node response (HTTP/1.1 or HTTP/2 compat) the writer uses. */
export interface BoundedSink {
  write(chunk: Uint8Array): boolean;
  readonly writableEnded: boolean;
  once(event: 'drain' | 'close', fn: () => void): unknown;
  removeListener(event: 'drain' | 'close', fn: () => void): unknown;
}

/** Resolves when the sink drains (true) or closes (false). */
function drained(res: BoundedSink): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = () => {
      res.removeListener('close', onClose);
      resolve(true);
    };
    const onClose = () => {
      res.removeListener('drain', onDrain);
      resolve(false);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Writes every part (not ending the response). Resolves true when all was
 * handed to the sink, false as soon as the sink has closed (client gone).
 */
export async function writeBounded(
  res: BoundedSink,
  parts: readonly Uint8Array[],
  slice = WRITE_SLICE_BYTES,
): Promise<boolean> {
  // Http2ServerResponse has no `destroyed`: 'close' is what both kinds emit when the peer goes.
  let closed = false;
  const onClose = () => (closed = true);
  res.once('close', onClose);
  const gone = () => closed || res.writableEnded;
  try {
    return await writeAll(res, parts, slice, gone);
  } finally {
    res.removeListener('close', onClose);
  }
}

async function writeAll(
  res: BoundedSink,
  parts: readonly Uint8Array[],
  slice: number,
  gone: () => boolean,
): Promise<boolean> {
  let turn = 0;
  for (const part of parts) {
    for (let at = 0; at < part.length; at += slice) {
      if (gone()) return false;
      const view = part.subarray(at, Math.min(part.length, at + slice));
      turn += view.length;
      if (!res.write(view)) {
        if (gone() || !(await drained(res))) return false;
        turn = 0;
      } else if (turn >= WRITE_TURN_BYTES) {
        await nextTurn();
        turn = 0;
      }
    }
  }
  return !gone();
}
