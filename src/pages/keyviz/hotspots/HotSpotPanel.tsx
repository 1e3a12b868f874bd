import { formatClock, formatValue } from '../../../data/format.ts';
import { KIND_LABEL, type HotSpot } from '../../../data/hotspots/types.ts';
import { describeKey, elideMiddle } from '../../../data/keys.ts';
import type { Matrix } from '../../../data/matrix.ts';
import type { DetectEngine } from './hotSpotRunner.ts';
import type { SourceKind } from '../../../api/source.ts';
import type { DominantKey } from '../../../data/hotspots/singleKey.ts';
import { spotKey, useSingleKeys } from './useSingleKeys.ts';

/** "single hot key: <key>" where the range's hot keys say one key dominates. */
function SingleKeyLine({ d }: { d: DominantKey | undefined }) {
  if (!d) return null;
  const key = describeKey(d.key.key, 'start').display;
  return (
    <span className="hotspot-single" data-testid="hotspot-single-key" title={key}>
      single hot key: <code>{elideMiddle(key, 40)}</code> ({percent(d.share)} of the sampled
      requests)
    </span>
  );
}

interface Props {
  matrix: Matrix;
  spots: HotSpot[];
  pending: boolean;
  /** Where detection ran (a data attribute for tests and diagnosis). */
  engine?: DetectEngine | null;
  selected: number | null;
  onSelect: (index: number) => void;
  onClose: () => void;
  /** Where hot keys come from (the "single hot key" line); absent: none asked (a record file). */
  hotKeysFrom?: { baseUrl: string; source: SourceKind };
}

function keyText(bytes: Uint8Array, side: 'start' | 'end'): string {
  const d = describeKey(bytes, side);
  return d.openEnd ?? d.display;
}

function percent(share: number): string {
  const p = share * 100;
  return p >= 10 ? `${Math.round(p)} %` : p >= 1 ? `${p.toFixed(1)} %` : '< 1 %';
}

/**
 * The hot-spot side panel: the ranked list detection found in the matrix on screen. Each entry
 * is a button that zooms the heatmap to its hot spot and outlines it.
 */
export function HotSpotPanel(props: Props) {
  const { matrix: m, spots, pending, engine, selected, onSelect, onClose } = props;
  const single = useSingleKeys(m, spots, props.hotKeysFrom);
  return (
    <aside
      className="hotspot-panel"
      aria-labelledby="hotspot-title"
      data-testid="hotspot-panel"
      data-engine={engine ?? undefined}
    >
      <div className="hotspot-head">
        <h2 id="hotspot-title">Hot spots</h2>
        <button type="button" onClick={onClose} aria-label="Close the hot-spot panel">
          ×
        </button>
      </div>
      <p className="muted hotspot-sub">
        Hottest ranges of this window and series, largest share first.
      </p>
      {pending && spots.length === 0 && (
        <p className="muted" role="status">
          Looking for hot spots…
        </p>
      )}
      {!pending && spots.length === 0 && (
        <p className="muted" role="status" data-testid="hotspot-none">
          No hot spot: traffic is spread evenly.
        </p>
      )}
      <ol className="hotspot-list" aria-busy={pending}>
        {spots.map((s, i) => {
          const first = m.rows[s.r0];
          const last = m.rows[s.r1 - 1];
          if (!first || !last) return null;
          const from = keyText(first.start, 'start');
          const to = keyText(last.end, 'end');
          const rows = s.r1 - s.r0;
          return (
            <li key={`${s.kind}:${s.r0}:${s.c0}`}>
              <button
                type="button"
                className="hotspot-entry"
                aria-pressed={selected === i}
                data-kind={s.kind}
                data-testid="hotspot-entry"
                onClick={() => onSelect(i)}
              >
                <span className="hotspot-rank" aria-hidden="true">
                  {s.rank}
                </span>
                <span className="hotspot-body">
                  <span className="hotspot-kind">{KIND_LABEL[s.kind]}</span>
                  <span className="hotspot-keys" title={`${from} – ${to}`}>
                    {elideMiddle(from, 22)} – {elideMiddle(to, 22)}
                  </span>
                  <span className="hotspot-figures">
                    {percent(s.share)} of the total · {rows} {rows === 1 ? 'row' : 'rows'} · peak{' '}
                    {formatValue(s.peak.value, m.series)} at {formatClock(s.peak.unixMs)}
                  </span>
                  <span className="hotspot-diagnosis">
                    {/* The kind is the entry's title: the sentence goes on after it. */}
                    {s.diagnosis.replace(`${KIND_LABEL[s.kind]}: `, '')}
                  </span>
                  <SingleKeyLine d={single.get(spotKey(s))} />
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
