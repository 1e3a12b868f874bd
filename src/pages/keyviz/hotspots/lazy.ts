// Hot-spot detection and its panel: one chunk, fetched when the panel opens or "Go to hottest
// cell" is used (not in the heatmap's first paint).
export { detectHotSpots, hottestCell } from '../../../data/hotspots/detect.ts';
export { HotSpotPanel } from './HotSpotPanel.tsx';
