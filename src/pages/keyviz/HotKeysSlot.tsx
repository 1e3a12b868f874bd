// Where the heatmap mounts the hot-keys panel: the panel's code loads only when a cell or a
// range is first picked, so the page's first load stays as small as it was.

import { lazy, Suspense } from 'react';
import type { HotKeysPanelProps } from './HotKeysPanel.tsx';

const HotKeysPanel = lazy(() => import('./HotKeysPanel.tsx'));

export function HotKeysSlot(props: HotKeysPanelProps) {
  return (
    <Suspense
      fallback={
        <section className="hotkeys-panel" aria-label="Hot keys" aria-busy="true">
          Loading…
        </section>
      }
    >
      <HotKeysPanel {...props} />
    </Suspense>
  );
}
