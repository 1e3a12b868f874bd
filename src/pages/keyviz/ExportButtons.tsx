import type { Matrix, Series } from '../../data/matrix.ts';
import type { Viewport } from '../../data/view/index.ts';
import type { ExportLegend } from './exportImage.ts';

// The exporters are chunks of their own, fetched on the first click (not in the first paint).
const exporters = () =>
  Promise.all([
    import('../../data/view/exportView.ts'),
    import('./download.ts'),
    import('./exportImage.ts'),
  ]).then(([view, download, image]) => ({ ...view, ...download, ...image }));

interface Props {
  matrix: Matrix;
  view: Viewport;
  stepMs: number;
  series: Series;
  canvasRef: React.RefObject<HTMLCanvasElement | null>;
  /** The colour scale drawn under the exported picture. */
  legend: ExportLegend;
}

/** "Export PNG" (the view with its axes and marginals) and "Export CSV" (the visible window). */
export function ExportButtons({ matrix, view, stepMs, series, canvasRef, legend }: Props) {
  const png = async () => {
    const { composeExport, downloadBlob, pngFileName } = await exporters();
    const heat = canvasRef.current;
    if (!heat) return;
    const root = heat.closest('.explore-heatmap');
    const { canvas: out } = composeExport(heat, root, legend);
    out.toBlob((b) => {
      if (b) downloadBlob(b, pngFileName(view, series));
    }, 'image/png');
  };
  const csv = async () => {
    const { csvFileName, downloadBlob, matrixToCsv } = await exporters();
    const text = matrixToCsv(matrix, view, stepMs);
    downloadBlob(new Blob([text], { type: 'text/csv' }), csvFileName(view, series));
  };
  return (
    <span className="export-buttons">
      <button type="button" onClick={() => void png()}>
        Export PNG
      </button>
      <button type="button" onClick={() => void csv()}>
        Export CSV
      </button>
    </span>
  );
}
