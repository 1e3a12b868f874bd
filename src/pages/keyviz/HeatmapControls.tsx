import { useId, useRef, useState } from 'react';
import type { Palette } from '../../data/colorRamp.ts';
import { BRIGHTNESS_STEPS, type ScaleKind } from '../../data/scale.ts';
import type { RangePreset, ViewState } from '../../data/urlState.ts';
import { parseFilter } from '../../data/view/index.ts';
import {
  brightnessLabel,
  brightnessToStep,
  parseCustomRange,
  rangeSelectValue,
  stepToBrightness,
  toLocalInput,
} from './heatmapState.ts';
import type { ViewDispatch } from './useHeatmapViewState.ts';

const RANGES: { value: RangePreset | 'custom'; label: string }[] = [
  { value: '1h', label: 'Last 1 h' },
  { value: '6h', label: 'Last 6 h' },
  { value: '24h', label: 'Last 24 h' },
  { value: '7d', label: 'Last 7 days' },
  { value: '28d', label: 'Last 28 days' },
  { value: 'all', label: 'All' },
  { value: 'custom', label: 'Custom…' },
];

interface Props {
  view: ViewState;
  dispatch: ViewDispatch;
  onOpenRecord: (file: File) => void;
}

/** Colour (brightness, scale, palette), time range, filter and "Open record" controls. */
export function HeatmapControls({ view, dispatch, onOpenRecord }: Props) {
  const id = useId();
  const [custom, setCustom] = useState(typeof view.range !== 'string');
  const cr = typeof view.range === 'string' ? null : view.range;
  const [from, setFrom] = useState(() =>
    toLocalInput(cr?.fromMs ?? Date.now() - 3_600_000).replace('T', ' '),
  );
  const [to, setTo] = useState(() => toLocalInput(cr?.toMs ?? Date.now()).replace('T', ' '));
  const [rangeError, setRangeError] = useState('');
  const [filterText, setFilterText] = useState(view.filter);
  const [seen, setSeen] = useState({ filter: view.filter, range: view.range });
  const fileRef = useRef<HTMLInputElement>(null);

  // Back/forward changed the URL: the boxes follow (adjusting state while rendering, as React
  // recommends over an effect).
  if (seen.filter !== view.filter || seen.range !== view.range) {
    setSeen({ filter: view.filter, range: view.range });
    if (seen.filter !== view.filter) setFilterText(view.filter);
    if (seen.range !== view.range) setCustom(typeof view.range !== 'string');
  }

  const filterError = parseFilter(filterText).error ?? '';
  const commitFilter = () => {
    if (!filterError) dispatch({ type: 'filter', filter: filterText.trim() });
  };
  const step = brightnessToStep(view.brightness);

  return (
    <div className="controls explore-controls" role="group" aria-label="Explore">
      <div className="control">
        <label htmlFor={`${id}-b`}>Brightness</label>
        <input
          id={`${id}-b`}
          type="range"
          min={-BRIGHTNESS_STEPS}
          max={BRIGHTNESS_STEPS}
          step={1}
          value={step}
          aria-valuetext={brightnessLabel(view.brightness)}
          onChange={(e) =>
            dispatch({ type: 'brightness', brightness: stepToBrightness(Number(e.target.value)) })
          }
        />
        <output htmlFor={`${id}-b`} data-testid="brightness-value">
          {brightnessLabel(view.brightness)}
        </output>
      </div>
      <div className="control">
        <label htmlFor={`${id}-s`}>Scale</label>
        <select
          id={`${id}-s`}
          value={view.scale}
          onChange={(e) => dispatch({ type: 'scale', scale: e.target.value as ScaleKind })}
        >
          <option value="log">Log</option>
          <option value="linear">Linear</option>
        </select>
      </div>
      <div className="control">
        <label htmlFor={`${id}-p`}>Palette</label>
        <select
          id={`${id}-p`}
          value={view.palette}
          onChange={(e) => dispatch({ type: 'palette', palette: e.target.value as Palette })}
        >
          <option value="heat">Default</option>
          <option value="cvd">Colour-blind safe</option>
        </select>
      </div>
      <div className="control range-control">
        <label htmlFor={`${id}-r`}>Time range</label>
        <select
          id={`${id}-r`}
          value={custom ? 'custom' : rangeSelectValue(view.range)}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'custom') setCustom(true);
            else {
              setCustom(false);
              dispatch({ type: 'range', range: v as RangePreset });
            }
          }}
        >
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        {/* An overlay under the picker: opening it moves nothing on the page. */}
        {custom && (
          <form
            className="custom-range"
            aria-label="Custom time range"
            onSubmit={(e) => {
              e.preventDefault();
              const r = parseCustomRange(from.replace(' ', 'T'), to.replace(' ', 'T'));
              setRangeError(r.ok ? '' : r.error);
              if (r.ok) dispatch({ type: 'range', range: r.range });
            }}
          >
            <div className="control">
              <label htmlFor={`${id}-from`}>From</label>
              <input
                id={`${id}-from`}
                type="text"
                inputMode="numeric"
                placeholder="YYYY-MM-DD HH:MM"
                title="Local time, 24-hour clock: YYYY-MM-DD HH:MM"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
              />
            </div>
            <div className="control">
              <label htmlFor={`${id}-to`}>To</label>
              <input
                id={`${id}-to`}
                type="text"
                inputMode="numeric"
                placeholder="YYYY-MM-DD HH:MM"
                title="Local time, 24-hour clock: YYYY-MM-DD HH:MM"
                value={to}
                onChange={(e) => setTo(e.target.value)}
              />
            </div>
            <button type="submit">Apply range</button>
            {rangeError && (
              <span className="filter-error" role="alert">
                {rangeError}
              </span>
            )}
          </form>
        )}
      </div>
      <div className="control filter-control">
        <label htmlFor={`${id}-f`}>Filter</label>
        <input
          id={`${id}-f`}
          type="search"
          value={filterText}
          placeholder="key prefix, 0x…, label:redis"
          className="filter-input"
          aria-invalid={filterError ? true : undefined}
          aria-describedby={filterError ? `${id}-fe` : undefined}
          onChange={(e) => setFilterText(e.target.value)}
          onBlur={commitFilter}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitFilter();
          }}
        />
        {filterError && (
          <span
            id={`${id}-fe`}
            className="filter-error overlay"
            role="alert"
            data-testid="filter-error"
          >
            {filterError}
          </span>
        )}
      </div>
      <div className="control">
        <button type="button" onClick={() => fileRef.current?.click()}>
          Open record…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".jsonl,.json,.ndjson,.txt,application/json"
          aria-label="Open record file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) onOpenRecord(f);
            e.target.value = '';
          }}
        />
      </div>
    </div>
  );
}
