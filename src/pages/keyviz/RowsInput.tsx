import { useId, useState } from 'react';
import { MAX_ROWS, parseRowBudget } from '../../data/rowBudget.ts';

interface Props {
  value: number;
  onCommit: (rows: number) => void;
}

/**
 * The row budget: a free-text draft (it can be cleared and retyped), committed on Enter or
 * blur. A draft that is not a whole number 1..1024 is refused with a message; the view keeps
 * its last good value.
 */
export function RowsInput({ value, onCommit }: Props) {
  const [draft, setDraft] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(value);
  const errId = useId();
  const inputId = useId();

  // The value changed from outside (Back/Forward): show it, drop any stale draft.
  if (shown !== value) {
    setShown(value);
    setDraft(String(value));
    setError(null);
  }

  const commit = () => {
    const r = parseRowBudget(draft);
    if (!r.ok) {
      setError(`${r.error} Still showing ${value}.`);
      return;
    }
    setError(null);
    setDraft(String(r.value));
    if (r.value !== value) onCommit(r.value);
  };

  return (
    <div className="control rows-control">
      <label htmlFor={inputId}>Rows</label>
      <input
        id={inputId}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        size={5}
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errId : undefined}
        title={`Row budget: 1 to ${MAX_ROWS}`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setDraft(String(value));
            setError(null);
          }
        }}
      />
      {error && (
        <span id={errId} role="alert" className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
