import { useState } from 'react';
import type { CellInfo } from './cellInfo.ts';
import { copyFields } from './copyFields.ts';

/** The pinned flyout's copy row: one button per field, with a spoken "Copied …" status. */
export function CopyButtons({ info }: { info: CellInfo }) {
  const [status, setStatus] = useState('');
  const copy = (label: string, text: string) => {
    navigator.clipboard.writeText(text).then(
      () => setStatus(`${label.replace(/^Copy /, 'Copied ')}`),
      () => setStatus('Copy failed: the browser refused clipboard access'),
    );
  };
  return (
    <div className="fly-copy" role="group" aria-label="Copy">
      <span className="muted">Copy:</span>
      {copyFields(info).map((f) => (
        <button
          key={f.label}
          type="button"
          className="copy-button"
          aria-label={f.label}
          title={f.label}
          onClick={() => copy(f.label, f.text)}
        >
          {f.label.replace(/^Copy /, '')}
        </button>
      ))}
      <span className="copy-status muted" role="status" aria-live="polite">
        {status}
      </span>
    </div>
  );
}
