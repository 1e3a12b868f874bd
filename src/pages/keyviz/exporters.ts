// The PNG and CSV exporters, one chunk fetched on the first export (not in the first paint).
export { csvFileName, matrixToCsv, pngFileName } from '../../data/view/exportView.ts';
export { downloadBlob } from './download.ts';
export { composeExport } from './exportImage.ts';
