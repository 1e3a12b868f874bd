// Admission control for heavy answers (full matrices): at most `maxInFlight`
// are computed or sent at once, at most `maxQueued` more wait in line, and any
// caller beyond that is refused at once (the protocols turn that into
// ResourceExhausted or HTTP 503 with Retry-After). A caller that goes away
// while queued leaves the line at once; a slot is released exactly once.

import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { stillThere } from './clientLeft.ts';

export interface AdmissionLimits {
  maxInFlight: number;
  maxQueued: number;
}

export const DEFAULT_ADMISSION: Readonly<AdmissionLimits> = { maxInFlight: 16, maxQueued: 256 };

/** Granted: call release() once the answer is sent or abandoned. */
export type Admitted = { ok: true; release: () => void };
export type AdmissionResult = Admitted | { ok: false; reason: 'busy' | 'aborted' };

interface Waiter {
  grant: (r: Admitted) => void;
}

export class Admission {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  /** Calls refused since start (diagnostics, tests). */
  refused = 0;
  /** Calls granted a slot since start (tells a quiet server from a busy one: idleGc.ts). */
  granted = 0;
  /** Calls whose caller had gone before the answer started: never admitted (clientLeft.ts). */
  goneBeforeStart = 0;

  constructor(readonly limits: AdmissionLimits = DEFAULT_ADMISSION) {}

  get running(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Whether the caller is still there one loop turn on (clientLeft.ts); those gone are counted. */
  async stillThere(req: IncomingMessage | Http2ServerRequest): Promise<boolean> {
    const here = await stillThere(req);
    if (!here) this.goneBeforeStart++;
    return here;
  }

  acquire(signal: AbortSignal): Promise<AdmissionResult> {
    if (signal.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
    if (this.inFlight < this.limits.maxInFlight) {
      this.inFlight++;
      this.granted++;
      return Promise.resolve(this.ticket());
    }
    if (this.queue.length >= this.limits.maxQueued) {
      this.refused++;
      return Promise.resolve({ ok: false, reason: 'busy' });
    }
    return new Promise((resolve) => {
      const w: Waiter = {
        grant: (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(w);
        if (i >= 0) this.queue.splice(i, 1);
        resolve({ ok: false, reason: 'aborted' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(w);
    });
  }

  private ticket(): Admitted {
    let done = false;
    return {
      ok: true,
      release: () => {
        if (done) return;
        done = true;
        this.inFlight--;
        const next = this.queue.shift();
        if (next) {
          this.inFlight++;
          this.granted++;
          next.grant(this.ticket());
        }
      },
    };
  }
}

/** Seconds a refused client should wait before trying again (Retry-After). */
export const RETRY_AFTER_S = 1;

export const BUSY_MESSAGE =
  'server busy: too many matrix requests in flight and queued; retry shortly';
