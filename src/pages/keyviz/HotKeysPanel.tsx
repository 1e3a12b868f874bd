// The hot-keys panel (loaded lazily): the top keys of one cell, or of every route bucket in a
// range merged by the node's rules. Keys are user data: rendered as text through keys.ts, never
// markup. Counts are bigint, shown with every digit.

import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  createHotKeysClient,
  HotKeysError,
  type HotKeysClient,
  type HotKeysFailure,
} from '../../api/hotKeysClient.ts';
import type { SourceKind } from '../../api/source.ts';
import { formatInt, formatTimeWindow } from '../../data/format.ts';
import {
  sharePercent,
  type HotKey,
  type HotKeyCounts,
  type HotKeyNode,
} from '../../data/hotKeys.ts';
import { describeKey, elideMiddle } from '../../data/keys.ts';
import type { Matrix } from '../../data/matrix.ts';
import type { ColumnEdges } from '../../data/view/gaps.ts';
import { readToken } from '../../shell/tokenStore.ts';
import { TOPS, type HotKeysSel, type TopN } from './hotKeysUrl.ts';
import { loadCell, loadRange } from './hotKeysLoad.ts';
import { topNote, WINDOW_GONE, windowNote } from './hotKeysNotes.ts';
import {
  cellTarget,
  MAX_RANGE_BUCKETS,
  pinOf,
  rangeAskKey,
  rangeTarget,
  samePinned,
  type RangePin,
  type Window,
} from './hotKeysTarget.ts';
import './hotKeys.css';

export interface HotKeysPanelProps {
  sel: HotKeysSel;
  matrix: Matrix;
  edges: ColumnEdges;
  stepMs: number;
  baseUrl: string;
  source: SourceKind;
  onTop: (top: TopN) => void;
  onClose: () => void;
  /** Injected client (tests); else one per base URL and source. */
  client?: HotKeysClient;
  /**
   * The node refused the session (401 on the JSON source): the whole console is signed out,
   * as any other page's 401 does (HotKeysSlot passes the shared source's markSignedOut).
   */
  onRefused?: () => void;
}

const clients = new Map<string, HotKeysClient>();
function clientFor(baseUrl: string, source: SourceKind): HotKeysClient {
  const k = `${source} ${baseUrl}`;
  let c = clients.get(k);
  if (!c) {
    c = createHotKeysClient({ baseUrl, source, token: readToken, timeoutMs: 15_000 });
    clients.set(k, c);
  }
  return c;
}

/** What each failure means and what to do about it. */
export const ADVICE: Record<HotKeysFailure, { title: string; todo: string }> = {
  keyviz_disabled: {
    title: 'Key Visualizer is off on this node',
    todo: 'Start the node with --keyvizEnabled (and --keyvizHotKeysEnabled for hot keys).',
  },
  hotkeys_disabled: {
    title: 'Hot keys are off on this node',
    todo: 'Start the node with --keyvizHotKeysEnabled; the heatmap works without it.',
  },
  forbidden: {
    title: 'Your role cannot read hot keys',
    todo:
      'Hot keys show real key bytes, so the node requires full access (admin.full_access_keys); ' +
      'a read-only key gets 403. Sign in with a full-access key.',
  },
  unauthenticated: {
    title: 'Not signed in',
    todo: 'Sign in (or set a token) and open the cell again.',
  },
  no_snapshot: {
    title: 'No hot-key snapshot for this route yet',
    todo:
      'The node publishes hot keys once per step (60 s by default), and only for routes it still ' +
      'tracks: try again after the next step, or pick a newer column.',
  },
  out_of_window: {
    title: 'The node holds no keys for this window',
    todo: `Pick a recent column: the node no longer holds keys for this one (${WINDOW_GONE}).`,
  },
  unimplemented: {
    title: 'This node cannot name hot keys',
    todo:
      'It answers neither GetKeyVizHotKeys nor /admin/api/v1/keyviz/hotkeys. Hot keys need a node ' +
      'built from elastickv main with --keyvizHotKeysEnabled, or the keyviz server.',
  },
  unreachable: {
    title: 'The node did not answer',
    todo: 'Check that it is up and reachable from this page, then retry.',
  },
  invalid_query: { title: 'The node refused the question', todo: 'Its message is below.' },
  bad_response: {
    title: 'The answer was not a hot-keys answer',
    todo: 'Nothing from it is shown. A proxy in between may have answered instead of the node.',
  },
  aborted: { title: 'Canceled', todo: 'Open the cell again.' },
  other: { title: 'Hot keys failed', todo: 'The message below says why; retry.' },
};

interface Shown extends HotKeyCounts {
  window: Window | null;
  /** The window came from snapshot_at alone (a node): the node's 60 s step. */
  inferred: boolean;
  /** Answers that are the node's latest window because the asked one is no longer held. */
  latestInstead: number;
  nodes: HotKeyNode[];
  /** Sketch capacity m (the largest over a range); null when the answer did not say. */
  capacity: number | null;
  /** Range: buckets answered / asked, and failures. */
  answered?: number;
  failed?: { bucketId: string; error: string }[];
  sameWindow?: boolean;
  /** Range: keys of its buckets left out for lying outside the range's keys. */
  outside?: number;
}

type State =
  | { s: 'loading' }
  | { s: 'ok'; shown: Shown }
  | { s: 'error'; kind: HotKeysFailure; code: string; message: string };

/** Command-line flags kept whole: a line break after "--" reads as another word. */
function flags(text: string): React.ReactNode[] {
  return text.split(/(--[A-Za-z]+)/).map((p, i) =>
    i % 2 ? (
      <code key={i} className="hk-flag">
        {p}
      </code>
    ) : (
      p
    ),
  );
}

function sameWindow(a: Window | null, b: Window): boolean {
  return !!a && Math.abs(a.fromMs - b.fromMs) < 1 && Math.abs(a.toMs - b.toMs) < 1;
}

function KeyRow({ k, rank, share }: { k: HotKey; rank: number; share: string }) {
  const d = useMemo(() => describeKey(k.key, 'start'), [k.key]);
  const [copied, setCopied] = useState('');
  const copy = (what: string, text: string) =>
    navigator.clipboard.writeText(text).then(
      () => setCopied(`Copied key ${rank} as ${what}`),
      () => setCopied('Copy failed: the browser refused clipboard access'),
    );
  return (
    <tr>
      <td className="hk-rank">{rank}</td>
      <td className="hk-key">
        <code className="key-text" title={d.display.length > 60 ? d.display : undefined}>
          {elideMiddle(d.display, 60)}
        </code>
        <span className="muted small">
          {' '}
          {d.length} {d.length === 1 ? 'byte' : 'bytes'}
        </span>
        <div className="hk-copy" role="group" aria-label={`Copy key ${rank}`}>
          {(
            [
              ['text', d.display],
              ['hex', d.hex],
              ['base64', d.base64],
            ] as const
          ).map(([what, text]) => (
            <button
              key={what}
              type="button"
              className="copy-button"
              aria-label={`Copy key ${rank} as ${what}`}
              onClick={() => void copy(what, text)}
            >
              {what}
            </button>
          ))}
          <span className="sr-only" role="status">
            {copied}
          </span>
        </div>
      </td>
      <td className="hk-count num">{formatInt(k.count)}</td>
      <td className="hk-share num">{share}</td>
    </tr>
  );
}

export default function HotKeysPanel(props: HotKeysPanelProps) {
  const { sel, matrix, edges, stepMs, onTop, onClose, onRefused } = props;
  const headingId = useId();
  const client = props.client ?? clientFor(props.baseUrl, props.source);
  // A range's question is pinned when it is picked (its buckets and flush times): an auto
  // refresh re-ranks buckets and slides columns, and must not ask again for the same range.
  const picked = sel.cell ? null : sel.range;
  const rangeKey = picked
    ? `${picked.fromMs}-${picked.toMs},${picked.startKeyHex ?? ''},${picked.endKeyHex ?? ''}`
    : '';
  const [pinned, setPinned] = useState<{ key: string; pin: RangePin } | null>(null);
  const pin = pinned && pinned.key === rangeKey ? pinned.pin : undefined;
  const target = useMemo(
    () =>
      sel.cell
        ? cellTarget(matrix, edges, stepMs, sel.cell)
        : sel.range
          ? rangeTarget(matrix, edges, sel.range, MAX_RANGE_BUCKETS, pin)
          : null,
    [sel, matrix, edges, stepMs, pin],
  );
  // A new range, or a pinned bucket gone from it (a split, a merge): pin what is asked now.
  if (target?.kind === 'range' && (!pin || !samePinned(target, pin))) {
    setPinned({ key: rangeKey, pin: pinOf(target) });
  }
  const [state, setState] = useState<State>({ s: 'loading' });
  const [nonce, setNonce] = useState(0);

  // What is asked, as a string: a refresh that keeps it keeps the answer (no refetch).
  const ask = !target
    ? ''
    : target.kind === 'cell'
      ? target.parsed?.kind === 'route'
        ? `cell ${target.bucketId} ${target.ask.fromMs} ${sel.top}`
        : ''
      : rangeAskKey(target, sel.top);
  const targetRef = useRef(target);
  useLayoutEffect(() => {
    targetRef.current = target;
  });

  useEffect(() => {
    const t = targetRef.current;
    if (!ask || !t) return;
    const ac = new AbortController();
    setState({ s: 'loading' });
    const done = (shown: Shown) => !ac.signal.aborted && setState({ s: 'ok', shown });
    const fail = (e: unknown) => {
      if (ac.signal.aborted) return;
      const err = e instanceof HotKeysError ? e : new HotKeysError('other', String(e), 'unknown');
      setState({ s: 'error', kind: err.kind, code: err.code, message: err.message });
    };
    if (t.kind === 'cell') {
      loadCell(client, t, sel.top, ac.signal).then(
        ({ answer: a, latestInstead }) =>
          done({
            ...a,
            inferred: a.window?.inferred ?? false,
            latestInstead: latestInstead ? 1 : 0,
          }),
        fail,
      );
    } else if (t.buckets.length > 0) {
      loadRange(client, t, sel.top, ac.signal).then(
        (m) => done({ ...m, inferred: false, nodes: [] }),
        fail,
      );
    }
    return () => ac.abort();
    // `ask` names everything the request depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ask, client, nonce]);

  const refused = state.s === 'error' && state.kind === 'unauthenticated';
  useEffect(() => {
    if (refused) onRefused?.();
  }, [refused, onRefused]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  let body: React.ReactNode;
  /** Without a request: why (aggregate, bad id); else the request's state. */
  let stateName = '';
  let what: React.ReactNode = null;
  let asked: Window | null = null;
  let total: bigint | null = null;
  if (!target) {
    body = null;
  } else if (target.kind === 'cell') {
    asked = target.window;
    what = (
      <>
        <code data-testid="hk-bucket">{target.bucketId}</code>
        {target.parsed?.kind === 'route' && target.parsed.label && (
          <span className="tag">{target.parsed.label}</span>
        )}
        {target.parsed?.kind === 'route' && target.parsed.subBucket !== null && (
          <span className="tag">sub-range {target.parsed.subBucket}</span>
        )}
        <span className="muted"> · {formatTimeWindow(asked.fromMs, asked.toMs)}</span>
      </>
    );
    if (!target.parsed) {
      stateName = 'bad-id';
      body = (
        <p className="hk-note" data-state="bad-id">
          This bucket id is not in the node&apos;s grammar, so there is no route to ask about.
        </p>
      );
    } else if (target.parsed.kind === 'virtual' || target.row?.aggregate) {
      stateName = 'aggregate';
      body = (
        <p className="hk-note" data-state="aggregate">
          This row is an aggregate: it folds{' '}
          {target.row ? formatInt(target.row.routeCount) : 'many'} routes into one virtual bucket to
          stay within the row budget. The node counts hot keys per route, so an aggregate has none
          of its own. Zoom in on its key range or raise the row budget until its routes get rows of
          their own, then click one.
        </p>
      );
    }
  } else {
    asked = target.window;
    what = (
      <>
        <span>
          {target.buckets.length} {target.buckets.length === 1 ? 'bucket' : 'buckets'}
        </span>
        <span className="muted"> · {formatTimeWindow(asked.fromMs, asked.toMs)}</span>
      </>
    );
    if (target.buckets.length === 0) {
      stateName = 'aggregate';
      body = (
        <p className="hk-note" data-state="aggregate">
          No route rows in this range
          {target.aggregates > 0 ? ` (${target.aggregates} aggregate rows have no hot keys)` : ''}.
          Zoom in until routes have rows of their own.
        </p>
      );
    }
  }

  if (body === undefined) {
    if (state.s === 'loading') {
      body = (
        <p className="muted" role="status">
          Asking the node…
        </p>
      );
    } else if (state.s === 'error') {
      const a = ADVICE[state.kind];
      body = (
        <div className="hk-error" role="alert" data-state={state.kind}>
          <strong>{a.title}.</strong> {flags(a.todo)}
          {state.message && (
            <div className="muted small">
              {state.code}: {state.message}
            </div>
          )}
          <button type="button" onClick={() => setNonce((n) => n + 1)}>
            Retry
          </button>
        </div>
      );
    } else {
      const r = state.shown;
      const useCell =
        target?.kind === 'cell' &&
        target.cellWrites !== null &&
        sameWindow(r.window, target.window);
      total = useCell
        ? BigInt(Math.round(target.cellWrites!))
        : r.sampledN * BigInt(Math.max(1, r.sampleRate));
      body = (
        <>
          {r.window && asked && !sameWindow(r.window, asked) && (
            <p className="hk-warn" data-testid="hk-window-note">
              {flags(
                windowNote(
                  { ...r, window: r.window },
                  asked,
                  target?.kind === 'range' ? 'range' : 'column',
                ),
              )}
            </p>
          )}
          {r.degraded && (
            <p className="hk-warn" data-testid="hk-degraded">
              <strong>Degraded:</strong>{' '}
              {r.droppedSamples > 0n && (
                <>
                  {r.answered !== undefined ? 'at least ' : ''}
                  {formatInt(r.droppedSamples)} samples dropped on the node (its queue was
                  full){' '}
                </>
              )}
              {r.skippedLongKeys > 0n && (
                <>
                  {r.answered !== undefined ? 'at least ' : ''}
                  {formatInt(r.skippedLongKeys)} writes of keys too long to sample were skipped on
                  the node{' '}
                </>
              )}
              — counts are lower than the truth, and a hot key may be missing.
            </p>
          )}
          {r.keys.length === 0 ? (
            <p className="hk-note" data-state="empty">
              No writes were sampled for this bucket in that window (1 in {r.sampleRate || '?'}{' '}
              writes is sampled, so a quiet bucket often has none).
            </p>
          ) : (
            <table className="hk-table" data-testid="hk-table">
              <caption className="sr-only">Hottest keys, ranked by estimated writes</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Key</th>
                  <th scope="col" className="num">
                    Writes ≈
                  </th>
                  <th scope="col" className="num">
                    {useCell ? 'of cell' : 'of sampled'}
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.keys.map((k, i) => (
                  <KeyRow key={k.keyB64} k={k} rank={i + 1} share={sharePercent(k.count, total!)} />
                ))}
              </tbody>
            </table>
          )}
          <p className="muted small hk-approx" data-testid="hk-approx">
            Approximate (Space-Saving sketch): 1 in {r.sampleRate} writes sampled,{' '}
            {formatInt(r.sampledN)} sampled; each count may be over by at most{' '}
            {formatInt(r.errorBound)}.
            {r.answered !== undefined && target?.kind === 'range' && (
              <>
                {' '}
                Merged from {r.answered} of {target.buckets.length} buckets by the node&apos;s rules
                (counts and error bounds summed).
              </>
            )}
          </p>
          {r.outside !== undefined && r.outside > 0 && (
            <p className="muted small" data-testid="hk-outside">
              Left out {formatInt(r.outside)} {r.outside === 1 ? 'key' : 'keys'} outside the
              range&apos;s keys (of routes reaching beyond it).
            </p>
          )}
          {target?.kind === 'range' && target.inRange > target.buckets.length && (
            <p className="hk-warn" data-testid="hk-capped">
              Capped: asked the {MAX_RANGE_BUCKETS} busiest (when picked) of {target.inRange} route
              buckets in the range. Zoom in to cover the rest.
            </p>
          )}
          {r.failed && r.failed.length > 0 && (
            <p className="hk-warn">
              {r.failed.length} {r.failed.length === 1 ? 'bucket' : 'buckets'} did not answer (
              {[...new Set(r.failed.map((f) => f.error))].join(', ')}).
            </p>
          )}
          {r.nodes.length > 0 && (
            <p className="muted small">
              Nodes:{' '}
              {r.nodes.map((n) => `${n.node} ${n.ok ? 'ok' : `failed (${n.error})`}`).join(' · ')}
            </p>
          )}
        </>
      );
    }
  }

  const topNoteText =
    state.s === 'ok' && !stateName
      ? topNote(state.shown.keys.length, sel.top, state.shown.capacity)
      : '';

  return (
    <section
      className="hotkeys-panel"
      role="region"
      aria-labelledby={headingId}
      data-testid="hotkeys-panel"
      data-state={stateName || (state.s === 'error' ? state.kind : state.s)}
      onKeyDown={onKeyDown}
    >
      <header className="hk-head">
        <h2 id={headingId}>{target?.kind === 'range' ? 'Hot keys of this range' : 'Hot keys'}</h2>
        <button type="button" className="fly-close" aria-label="Close hot keys" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="hk-what">{what}</div>
      <div className="hk-top">
        <label>
          Top{' '}
          <select value={sel.top} onChange={(e) => onTop(Number(e.target.value) as TopN)}>
            {TOPS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {topNoteText && (
          <span className="muted small" data-testid="hk-top-note">
            {topNoteText}
          </span>
        )}
      </div>
      {body}
    </section>
  );
}
