// The built page against issue 3's size budget, and proof that the lean protobuf build
// (scripts/leanProtobuf.ts) took effect. The page's behaviour with it is what every
// end-to-end test exercises.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JSON_CODEC_LEFT_OUT } from '../../scripts/leanProtobuf.ts';
import { bundleGzipBytes, ensurePageBuilt, PAGE_JS_BUDGET_BYTES } from '../../scripts/pageBuild.ts';
import { REPO_ROOT } from '../helpers/spawnServer.ts';

const dist = join(REPO_ROOT, 'dist');

describe('the built page', () => {
  let js = '';
  beforeAll(() => {
    ensurePageBuilt();
    const assets = join(dist, 'assets');
    js = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
  }, 120_000);

  it(`keeps all of its JavaScript within ${PAGE_JS_BUDGET_BYTES / 1000} kB gzip`, () => {
    const { gzip, files } = bundleGzipBytes(dist);
    expect(files).toBeGreaterThan(0);
    expect(gzip).toBeLessThanOrEqual(PAGE_JS_BUDGET_BYTES);
  });

  it('carries no descriptor.proto schema and no protobuf JSON codec', () => {
    expect(js).not.toContain('google/protobuf/descriptor.proto');
    expect(js).not.toContain('ExtensionRangeOptions'); // a name only descriptor.proto's boot has
    expect(js).toContain(JSON_CODEC_LEFT_OUT);
    // fromJson's own error text would be here if the real codec were bundled.
    expect(js).not.toContain(' from JSON: ');
  });

  it('keeps the binary codec and both transports', () => {
    expect(js).toContain('application/proto'); // Connect binary
    expect(js).toContain('application/grpc-web+proto');
  });
});
