import { decodeMatrixBytes } from '../src/api/decodeMatrix.ts';
import { buildPageFixture } from './page-fixture.ts';
import { jsonDecodeBench } from './page.bench.ts';
const fx = buildPageFixture(1024, 1440);
await jsonDecodeBench(decodeMatrixBytes(fx.bytes, 'writes'));
