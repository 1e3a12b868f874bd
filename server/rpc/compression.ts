// Response compression for the RPCs. connect-node's gzip uses zlib's default
// level, which costs ~1 s per full 5 MB matrix on a busy 2-core machine; level 1
// is several times faster for a slightly larger body. Brotli is not offered:
// its default quality is far too slow for 5 MB answers produced per request.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Compression } from '@connectrpc/connect/protocol';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Copies into a plain ArrayBuffer when zlib handed out a pooled slice. */
function own(b: Buffer): Uint8Array<ArrayBuffer> {
  return b.buffer instanceof ArrayBuffer &&
    b.byteOffset === 0 &&
    b.byteLength === b.buffer.byteLength
    ? new Uint8Array(b.buffer)
    : new Uint8Array(b);
}

export const fastGzip: Compression = {
  name: 'gzip',
  async compress(bytes) {
    return own(await gzipAsync(bytes, { level: 1 }));
  },
  async decompress(bytes, readMaxBytes) {
    if (bytes.length === 0) return new Uint8Array(0);
    try {
      return own(await gunzipAsync(bytes, { maxOutputLength: readMaxBytes }));
    } catch (e) {
      // A zip bomb or a corrupt body must not become an internal error.
      const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new ConnectError(
        tooBig
          ? `message is larger than ${readMaxBytes} bytes after decompression`
          : 'bad gzip body',
        tooBig ? Code.ResourceExhausted : Code.InvalidArgument,
      );
    }
  },
};
