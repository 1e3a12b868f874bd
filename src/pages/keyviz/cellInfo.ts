// Everything the hover flyout says about one cell, as plain strings (rendered as React text,
// never markup: keys are data).

import type { Matrix } from '../../data/matrix.ts';
import { describeKey, displayText, type KeyDescription } from '../../data/keys.ts';
import {
  cellDigits,
  formatInt,
  formatTimeWindow,
  formatValue,
  seriesUnit,
} from '../../data/format.ts';
import type { ColumnEdges } from '../../data/view/gaps.ts';
import { measureSince } from '../../data/timing.ts';
import { columnWidthLabel, columnWidthOf } from '../../data/columnTiers.ts';
import { mainThreadSlices, runSliced } from '../../data/steps.ts';
import { raftSteps } from '../../api/decodeMatrix.ts';

/** Member route ids listed before "+N more". */
export const MAX_LISTED_MEMBERS = 8;

export interface CellInfo {
  row: number;
  col: number;
  time: string;
  /** The column's width: "1 min column", "1 h column" (history tiers widen with age). */
  width: string;
  /** Humanised value with unit ("1.2 k ops"). */
  value: string;
  /** Exact value ("1,234 ops") when the humanised one rounds; '' otherwise. */
  exact: string;
  bucketId: string;
  label: string;
  aggregate: boolean;
  routeCount: string;
  /** Listed member ids and how many more exist ("" when none). */
  members: string[];
  moreMembers: string;
  raftGroup: string;
  leaderTerm: string;
  rowTotal: string;
  start: KeyDescription;
  end: KeyDescription;
  /** Cluster view: nodes that contributed to the row ('' for one node). */
  nodes: string;
  /** Cluster view: two nodes disagreed on this write cell. */
  conflict: boolean;
  /**
   * A row of the whole-key-space fold: its member count in words ("12 buckets"; "none: no
   * traffic in these keys" for 0); '' for every other row.
   */
  folded: string;
}

/** folded_buckets (1039) in words; '' when the row is not folded. */
export function foldedText(digits: string | undefined): string {
  if (digits === undefined) return '';
  if (digits === '0') return 'no buckets: no traffic in these keys';
  return `${formatInt(digits)} ${digits === '1' ? 'bucket' : 'buckets'} folded into this row`;
}

/** "+N more" for the ids not listed: the node's truncation and ours add up (route_count). */
function moreText(routeCount: string, listed: number, truncated: boolean, sent: number): string {
  let more: bigint;
  try {
    more = BigInt(routeCount) - BigInt(listed);
  } catch {
    more = BigInt(sent - listed);
  }
  if (!truncated) more = BigInt(sent - listed);
  return more > 0n ? `+${formatInt(more)} more` : '';
}

// Key descriptions per row, so moving along a row re-describes nothing (and the flyout's key
// blocks, memoised on these objects, do not re-render).
const keyCache = new WeakMap<object, { start: KeyDescription; end: KeyDescription }>();

function rowKeys(meta: Matrix['rows'][number]): { start: KeyDescription; end: KeyDescription } {
  let k = keyCache.get(meta);
  if (!k) {
    k = { start: describeKey(meta.start, 'start'), end: describeKey(meta.end, 'end') };
    keyCache.set(meta, k);
  }
  return k;
}

function unknownIfZero(v: number | undefined): string {
  return v === undefined || v === 0 ? 'unknown' : formatInt(v);
}

export function cellInfo(m: Matrix, edges: ColumnEdges, row: number, col: number): CellInfo {
  const meta = m.rows[row];
  const i = row * m.colCount + col;
  const v = m.values[i];
  const keys = rowKeys(meta);
  const members = meta.aggregate ? meta.routeIds.slice(0, MAX_LISTED_MEMBERS) : [];
  return {
    row,
    col,
    time: formatTimeWindow(edges.x0[col], edges.x1[col]),
    width: columnWidthLabel(columnWidthOf(m, edges, col)),
    value: formatValue(v, m.series),
    // Every digit, also above 2^53 (the double there is only the nearest).
    exact: v >= 1000 ? `${formatInt(cellDigits(m, i))} ${seriesUnit(m.series)}` : '',
    bucketId: displayText(meta.bucketId),
    label: displayText(meta.label),
    aggregate: meta.aggregate,
    routeCount: formatInt(meta.routeCount),
    members,
    moreMembers: meta.aggregate
      ? moreText(meta.routeCount, members.length, meta.routeIdsTruncated, meta.routeIds.length)
      : '',
    raftGroup: unknownIfZero(m.raftGroupIds?.[i]),
    leaderTerm: unknownIfZero(m.leaderTerms?.[i]),
    rowTotal: formatValue(meta.total, m.series),
    start: keys.start,
    end: keys.end,
    nodes: meta.contributingNodes.join(', '),
    conflict: m.conflicts?.[i] === 1,
    folded: foldedText(meta.foldedBuckets),
  };
}

/**
 * Decodes the matrix's Raft columns between frames (a no-op where they are loaded or were never
 * deferred): read at once, the two 1024 x 1440 arrays are one 20-130 ms task. Rejects with the
 * signal's reason when aborted.
 */
export function raftReady(m: Matrix, signal: AbortSignal): Promise<void> {
  return runSliced(raftSteps(m), mainThreadSlices(signal));
}

/**
 * Does once, ahead of the first hover, what only the first cellInfo call would pay for: the
 * Connect decoder defers raft group ids and leader terms to their first read (20-130 ms on a
 * 1024 x 1440 answer), and number/date formatters and the code path itself are cold. Called in
 * idle time after the first paint of an answer, so the first pointer move costs like any other.
 * Returns one cell's info, for the card's warm-up render (HeatmapPlot).
 */
export function prepareHover(m: Matrix, edges: ColumnEdges): CellInfo | null {
  if (m.rowCount === 0 || m.colCount === 0) return null;
  const t0 = performance.now();
  const info = cellInfo(m, edges, m.rowCount >> 1, m.colCount >> 1);
  measureSince('keyviz:prepare-hover', t0);
  return info;
}
