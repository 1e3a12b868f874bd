import { decodeMatrixBytes } from '../src/api/decodeMatrix.ts';
import { scanMatrixJson } from '../src/api/jsonMatrixScan.ts';
import { answerJsonText, matrixToAnswer } from '../tests/helpers/matrixJson.ts';
import { buildPageFixture } from './page-fixture.ts';
const fx = buildPageFixture(1024, 1440);
const text = await answerJsonText(matrixToAnswer(decodeMatrixBytes(fx.bytes, 'writes')), 'writes');
for (let i = 0; i < 15; i++) scanMatrixJson(text, 'writes');
