import { useMemo, useRef } from 'react';
import type { Matrix } from '../data/matrix.ts';
import { buildLut, type Palette } from '../data/colorRamp.ts';
import { makeScale, type ScaleKind } from '../data/scale.ts';
import { KeyAxis, TimeAxis } from './axes.tsx';
import { ConflictLegend, ConflictOverlay } from './ConflictOverlay.tsx';
import { HeatCanvas } from './HeatCanvas.tsx';
import { timeFrame } from './heatRaster.ts';
import { HoverLayer } from './HoverLayer.tsx';
import { Legend } from './Legend.tsx';
import { useCanvasBox } from './useCanvasBox.ts';

/** Colour table entries: plenty for a smooth ramp, small enough to stay in cache. */
const LUT_SIZE = 256;

interface Props {
  matrix: Matrix;
  palette: Palette;
  scaleKind: ScaleKind;
  brightness: number;
}

/** The heatmap with its axes and legend, filling the space its parent gives it. */
export function Heatmap({ matrix, palette, scaleKind, brightness }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const size = useCanvasBox(plotRef);
  const frame = useMemo(() => timeFrame(matrix), [matrix]);
  const lut = useMemo(() => buildLut({ palette, size: LUT_SIZE }), [palette]);
  const scale = useMemo(
    () => makeScale({ kind: scaleKind, max: matrix.max, brightness }),
    [scaleKind, matrix.max, brightness],
  );

  return (
    <div className="heatmap" data-testid="heatmap">
      <KeyAxis rows={matrix.rows} height={size.cssH} />
      <div className="plot" ref={plotRef}>
        {frame && size.devW > 0 && (
          <>
            <HeatCanvas matrix={matrix} frame={frame} size={size} lut={lut} scale={scale} />
            <ConflictOverlay matrix={matrix} frame={frame} size={size} />
            <HoverLayer matrix={matrix} frame={frame} width={size.cssW} height={size.cssH} />
          </>
        )}
      </div>
      <div className="corner" />
      {frame && <TimeAxis fromMs={frame.fromMs} toMs={frame.toMs} width={size.cssW} />}
      <div className="legend-row">
        {frame && (
          <Legend scale={scale} series={matrix.series} palette={palette} stepMs={frame.stepMs} />
        )}
        <ConflictLegend matrix={matrix} />
      </div>
    </div>
  );
}
