// The connections of open event streams, so a stream ends when its client has gone even
// if the close event that should have said so never reached the stream.
//
// A stream is released by its call's abort signal. That signal hangs on one 'close'
// event (connect-node's, or the JSON API's); a stream suspended at a write that never
// settles waits on nothing else. CI saw one such stream stay open for good (with its
// heartbeat timer) after a flood of cancelling HTTP/1.1 callers. Each watched stream gets
// a signal of its own, aborted on 'close' and by a sweep of the sockets once a second
// while any stream is open: a destroyed socket cannot be missed twice.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/** The reason a watched stream's signal aborts with (one frozen value, no stack per call). */
export const CONNECTION_GONE = Object.freeze({
  name: 'ConnectionGone',
  message: 'the client connection is gone',
});

export const SWEEP_MS = 1000;

/** True when nothing more can reach the client: the response is over, or its stream or socket closed. */
export function connectionGone(req: AnyRequest, res: AnyResponse): boolean {
  if (res.writableEnded) return true;
  if ('stream' in req) return req.stream.destroyed || req.stream.closed;
  const socket = (req as IncomingMessage).socket as IncomingMessage['socket'] | null;
  return (res as ServerResponse).destroyed || socket === null || socket.destroyed;
}

export interface Watched {
  /** Aborted when the client has gone (not when the stream ends normally). */
  signal: AbortSignal;
  /** The stream has ended: stop watching (idempotent). */
  done(): void;
}

export class StreamWatch {
  private readonly open = new Map<AbortController, () => boolean>();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Streams the sweep found gone before any close event ended them. */
  sweptGone = 0;

  constructor(private readonly everyMs = SWEEP_MS) {}

  get size(): number {
    return this.open.size;
  }

  watch(req: AnyRequest, res: AnyResponse, gone = () => connectionGone(req, res)): Watched {
    const ac = new AbortController();
    if (gone()) {
      ac.abort(CONNECTION_GONE);
      return { signal: ac.signal, done: () => {} };
    }
    const onClose = () => {
      ac.abort(CONNECTION_GONE);
      done();
    };
    const done = () => {
      if (!this.open.delete(ac)) return;
      res.off('close', onClose);
      this.sync();
    };
    res.once('close', onClose);
    this.open.set(ac, gone);
    this.sync();
    return { signal: ac.signal, done };
  }

  /** Aborts every watched stream whose connection is gone; exported for tests. */
  sweep(): void {
    for (const [ac, gone] of this.open) {
      if (!gone()) continue;
      this.open.delete(ac);
      this.sweptGone++;
      ac.abort(CONNECTION_GONE);
    }
    this.sync();
  }

  private sync(): void {
    if (this.open.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.sweep(), this.everyMs);
      // Never what keeps a process alive (and not a referenced timer in leak checks).
      this.timer.unref();
    } else if (this.open.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
