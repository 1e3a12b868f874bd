// Browser tests load protobuf-es through the page's build plugin (vitest.config.ts), as the
// bundle does: descriptors come from src/api/leanFileDesc.ts and the JSON codec is a stub.
import { create, fromBinary, toBinary, toJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  Admin,
  GetClusterOverviewResponseSchema,
  GetKeyVizMatrixRequestSchema,
  KeyVizSeries,
} from '../../src/gen/admin_pb.ts';

describe('protobuf-es as the page bundle has it', () => {
  it('has no JSON codec, and says so', () => {
    expect(() =>
      toJson(GetKeyVizMatrixRequestSchema, create(GetKeyVizMatrixRequestSchema)),
    ).toThrow(/JSON codec is left out of this bundle/);
  });

  it('builds the Admin service and its messages from the lean descriptors', () => {
    const m = Admin.method.getKeyVizMatrix;
    expect([m.parent.typeName, m.name, m.methodKind]).toEqual([
      'Admin',
      'GetKeyVizMatrix',
      'unary',
    ]);
    expect(m.output.typeName).toBe('GetKeyVizMatrixResponse');
    const req = create(GetKeyVizMatrixRequestSchema, {
      series: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
      rows: 77,
      fromUnixMs: 1_700_000_000_000n,
    });
    const back = fromBinary(
      GetKeyVizMatrixRequestSchema,
      toBinary(GetKeyVizMatrixRequestSchema, req),
    );
    expect([back.series, back.rows, back.fromUnixMs, back.toUnixMs]).toEqual([
      KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
      77,
      1_700_000_000_000n,
      0n,
    ]);
  });

  it('decodes a map field (capabilities) as a map', () => {
    const msg = create(GetClusterOverviewResponseSchema, {
      self: { nodeId: 'n1' },
      capabilities: { keyviz: true, raft: false },
    });
    const back = fromBinary(
      GetClusterOverviewResponseSchema,
      toBinary(GetClusterOverviewResponseSchema, msg),
    );
    expect(back.capabilities).toEqual({ keyviz: true, raft: false });
    expect(back.self?.nodeId).toBe('n1');
  });
});
