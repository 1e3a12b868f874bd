import { useEffect, useState } from 'react';
import type { RecordState } from './useHeatmapFeed.ts';

/** "Showing file X — Back to live", or why the file could not be opened. */
export function RecordBanner({ record, onClose }: { record: RecordState; onClose: () => void }) {
  if (record.error) {
    return (
      <div className="record-banner" role="alert" data-testid="record-banner">
        Could not open {record.name}: {record.error}
        <button type="button" onClick={onClose}>
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <div className="record-banner" role="status" data-testid="record-banner">
      <span>
        Showing file <strong>{record.name}</strong> (recorded, no server)
      </span>
      <button type="button" onClick={onClose}>
        Back to live
      </button>
    </div>
  );
}

/** A record file dropped anywhere on the page opens it; true while a file is dragged over. */
export function useFileDrop(onFile: (f: File) => void): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const hasFiles = (e: DragEvent) =>
      !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop
      setOver(true);
    };
    const onLeave = (e: DragEvent) => {
      if (e.relatedTarget === null) setOver(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(false);
      const f = e.dataTransfer?.files[0];
      if (f) onFile(f);
    };
    addEventListener('dragover', onOver);
    addEventListener('dragleave', onLeave);
    addEventListener('drop', onDrop);
    return () => {
      removeEventListener('dragover', onOver);
      removeEventListener('dragleave', onLeave);
      removeEventListener('drop', onDrop);
    };
  }, [onFile]);
  return over;
}
