// Live columns above 2^53 (issue 12): both stream forms hand the page every digit, as a full
// answer does. A double would turn 2^64 - 1 into 18446744073709551616.
import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { fromSseFrame } from '../../src/api/liveEvents.ts';
import { decodeStreamEvent } from '../../src/api/liveWire.ts';
import {
  KeyVizColumnSchema,
  KeyVizRowSchema,
  KeyVizSeries,
  StreamEventsEventSchema,
} from '../../src/gen/admin_pb.ts';

const MAX64 = '18446744073709551615';

describe('live column rows keep uint64 digits', () => {
  it('server-sent events (the node JSON style: bare numbers)', () => {
    const data =
      `{"column_unix_ms":1790000000000,"series":"writes","rows":[` +
      `{"bucket_id":"route:1","start":"YQ==","end":"Yg==","aggregate":false,"route_count":1,"values":[${MAX64}]},` +
      `{"bucket_id":"route:2","start":"Yg==","end":"","aggregate":false,"route_count":1,"values":[7]}]}`;
    const e = fromSseFrame({ event: 'keyviz_column', data });
    expect(e?.kind).toBe('column');
    if (e?.kind !== 'column') return;
    expect(e.series).toBe('writes');
    expect(e.column.unixMs).toBe(1790000000000);
    const [a, b] = e.column.rows;
    expect(a.meta.bucketId).toBe('route:1');
    expect(a.exact).toBe(MAX64);
    expect(b.value).toBe(7);
    expect(b.exact).toBeUndefined();
  });

  it('a malformed frame is still refused', () => {
    expect(() =>
      fromSseFrame({
        event: 'keyviz_column',
        data: '{"column_unix_ms":1,"series":"writes","rows":[{"values":[1,]}]}',
      }),
    ).toThrow();
  });

  it('Connect / gRPC-Web events', () => {
    const ev = create(StreamEventsEventSchema, {
      event: {
        case: 'keyvizColumn',
        value: create(KeyVizColumnSchema, {
          columnUnixMs: 5n,
          series: KeyVizSeries.KEYVIZ_SERIES_READS,
          rows: [
            create(KeyVizRowSchema, { bucketId: 'route:9', values: [BigInt(MAX64)] }),
            create(KeyVizRowSchema, { bucketId: 'route:8', values: [2n ** 53n - 1n] }),
          ],
        }),
      },
    });
    const e = decodeStreamEvent(toBinary(StreamEventsEventSchema, ev));
    if (e?.kind !== 'column') throw new Error('not a column');
    expect(e.column.rows[0].exact).toBe(MAX64);
    expect(e.column.rows[1].exact).toBeUndefined();
    expect(e.column.rows[1].value).toBe(2 ** 53 - 1);
  });
});
