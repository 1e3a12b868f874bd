// Where the heatmap and the bucket page mount the hot-keys panel: the panel's code loads only
// when a cell or a range is first picked, so the page's first load stays as small as it was.
// The slot also ties the panel to the console's session: a 401 from the hot-keys endpoint
// signs the whole console out, as every other page's 401 does.

import { lazy, Suspense, useContext } from 'react';
import type { HotKeysPanelProps } from './HotKeysPanel.tsx';
import { DataSourceContext } from '../../shell/useDataSource.ts';

const HotKeysPanel = lazy(() => import('./HotKeysPanel.tsx'));

export function HotKeysSlot(props: HotKeysPanelProps) {
  // Optional: a panel mounted outside the console's provider has no session to end.
  const ds = useContext(DataSourceContext);
  const onRefused = ds?.session ? ds.markSignedOut : undefined;
  return (
    <Suspense
      fallback={
        <section className="hotkeys-panel" aria-label="Hot keys" aria-busy="true">
          Loading…
        </section>
      }
    >
      <HotKeysPanel onRefused={onRefused} {...props} />
    </Suspense>
  );
}
