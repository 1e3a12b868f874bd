// Public surface of the KeyViz wire codecs.
export { encodeMatrixWire } from './encode-matrix.ts';
export { encodeRow, encodeRows } from './encode-row.ts';
export { decodeMatrixWire } from './decode-matrix.ts';
export { toGenericResponse } from './generic.ts';
