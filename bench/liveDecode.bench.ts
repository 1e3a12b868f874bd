// One streamed KeyVizColumn event decoded into the page's LiveEvent: the generic protobuf-es
// decoder (fromBinary, then the LiveRow mapping the page used) against the hand-rolled one
// (src/api/liveWire.ts). Events are written by the server's own encoder (server/events) from
// columns of 1,000 and 10,000 rows shaped like the sampler's (route ids, 8-24 byte keys, a
// label, raft group and term, values from 1 to 10^7). CPU time of this process per column
// (process.cpuUsage, user + system), median of RUNS batches after a warm-up, interleaved.
// Run: npm run bench -- liveDecode
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { decodeStreamEvent } from '../src/api/liveWire.ts';
import { StreamEventsEventSchema } from '../src/gen/admin_pb.ts';
import { toEventMessage } from '../server/events/messages.ts';
import type { MatrixResult, MatrixRow } from '../server/sampler/types.ts';
import { fromEventMessage } from '../tests/helpers/genericLiveEvents.ts';
import { median } from './stats.ts';

const RUNS = 21;

function key(i: number, len: number): Uint8Array {
  const k = new Uint8Array(len);
  k.set(new TextEncoder().encode(`user:${String(i).padStart(8, '0')}`).subarray(0, len));
  return k;
}

function column(rows: number): Uint8Array {
  const out: MatrixRow[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < rows; i++) {
    const len = 8 + (i % 17);
    out.push({
      meta: {
        bucketId: `route:${1000 + i}`,
        start: key(i, len),
        end: key(i + 1, len),
        label: ['dynamo', 'redis', 's3', 'sqs', 'rawkv'][i % 5],
        aggregate: false,
        routeIds: [],
        routeCount: 1,
      },
      values: Float64Array.of(Math.floor(10 ** (rand() * 7))),
      raftGroupIds: Float64Array.of(1 + (i % 300)),
      leaderTerms: Float64Array.of(1 + (i % 9)),
    });
  }
  const result: MatrixResult = { columnUnixMs: [1_790_000_000_000], rows: out };
  const msg = toEventMessage({ kind: 'column', unixMs: 1_790_000_000_000, series: 2, result });
  return toBinary(StreamEventsEventSchema, msg);
}

/** CPU ms of one call of fn, over a batch of `reps` calls. */
function batchMs(fn: () => unknown, reps: number): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / reps;
}

/**
 * CPU ms per call of a and b, medians over RUNS batches each, the two interleaved so a busy
 * spell of the shared machine falls on both.
 */
function cpuMs(a: () => unknown, b: () => unknown, reps: number): [number, number] {
  // Warm-up: optimised code, as on a live page.
  for (let i = 0; i < reps * 2; i++) {
    a();
    b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    as.push(batchMs(a, reps));
    bs.push(batchMs(b, reps));
  }
  return [median(as), median(bs)];
}

export function run(): void {
  for (const rows of [1000, 10_000]) {
    const bytes = column(rows);
    // Same answer from both, or the figures compare different work.
    const a = decodeStreamEvent(bytes);
    const b = fromEventMessage(fromBinary(StreamEventsEventSchema, bytes));
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('decoders disagree');
    const reps = rows >= 10_000 ? 3 : 20;
    const [generic, hand] = cpuMs(
      () => fromEventMessage(fromBinary(StreamEventsEventSchema, bytes)),
      () => decodeStreamEvent(bytes),
      reps,
    );
    console.log(
      `${rows} rows (${(bytes.length / 1024).toFixed(0)} KiB): generic ${generic.toFixed(2)} ms, ` +
        `hand-rolled ${hand.toFixed(2)} ms CPU per column (${(generic / hand).toFixed(1)}x)`,
    );
  }
}
