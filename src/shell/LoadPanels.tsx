// The panels the heatmap shows before it can draw: loading, and a matrix with no data yet.
// Small and in the first paint; a failed load's panel (StatePanel.tsx) is loaded when needed.

export function LoadingPanel() {
  return (
    <section className="state" data-state="loading" aria-busy="true">
      <p>Loading the heatmap…</p>
    </section>
  );
}

export function EmptyPanel({ columns, onRetry }: { columns: number; onRetry: () => void }) {
  return (
    <section className="state" data-state="empty">
      <h2>No data yet</h2>
      <p>
        {columns === 0
          ? 'The sampler has not flushed a column yet: the first one appears one step (60 s by default) after the node starts.'
          : `The sampler has ${columns} column${columns === 1 ? '' : 's'} but no route saw traffic in them.`}
      </p>
      <button type="button" onClick={onRetry}>
        Check again
      </button>
    </section>
  );
}
