import type { Matrix, Series } from '../../data/matrix.ts';
import { csvFileName, matrixToCsv, pngFileName, type Viewport } from '../../data/view/index.ts';
import { downloadBlob } from './download.ts';
import { composeExport, type ExportLegend } from './exportImage.ts';

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
  const png = () => {
    const heat = canvasRef.current;
    if (!heat) return;
    const root = heat.closest('.explore-heatmap');
    const { canvas: out } = composeExport(heat, root, legend);
    out.toBlob((b) => {
      if (b) downloadBlob(b, pngFileName(view, series));
    }, 'image/png');
  };
  const csv = () => {
    const text = matrixToCsv(matrix, view, stepMs);
    downloadBlob(new Blob([text], { type: 'text/csv' }), csvFileName(view, series));
  };
  return (
    <span className="export-buttons">
      <button type="button" onClick={png}>
        Export PNG
      </button>
      <button type="button" onClick={csv}>
        Export CSV
      </button>
    </span>
  );
}
