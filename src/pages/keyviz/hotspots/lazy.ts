// The hot-spot panel: a chunk of its own, fetched when the panel opens (not in the heatmap's
// first paint). Detection runs in a worker (hotSpotRunner.ts), its fallback loads on demand.
export { HotSpotPanel } from './HotSpotPanel.tsx';
