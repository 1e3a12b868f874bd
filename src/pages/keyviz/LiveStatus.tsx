// The Live refresh's state in the header, in a polite live region so a screen
// reader hears "live", "reconnecting" or "polling" as it changes.
import { useEffect, useState } from 'react';
import './live.css';
import type { LiveState } from './liveFollower.ts';

/** The words shown for a state (the countdown read at `nowMs`). */
export function liveStatusText(s: LiveState, nowMs: number): string {
  switch (s.kind) {
    case 'connecting':
      return 'Live: connecting…';
    case 'live':
      return 'Live';
    case 'reconnecting': {
      const secs = Math.max(0, Math.ceil((s.atMs - nowMs) / 1000));
      return `Live: stream lost, reconnecting in ${secs} s`;
    }
    case 'polling':
      return `Live: polling every 5 s (${s.reason})`;
  }
}

export function LiveStatus({ state }: { state: LiveState | null }) {
  const [now, setNow] = useState(() => Date.now());
  const counting = state?.kind === 'reconnecting';
  useEffect(() => {
    if (!counting) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [counting, state]);
  return (
    <span
      className="live-status"
      role="status"
      aria-live="polite"
      data-testid="live-status"
      data-state={state?.kind ?? 'off'}
    >
      {state && (
        <>
          <span className="live-dot" aria-hidden="true" />
          {liveStatusText(state, now)}
          {state.kind === 'reconnecting' && state.error && (
            <span className="muted"> ({state.error})</span>
          )}
        </>
      )}
    </span>
  );
}
