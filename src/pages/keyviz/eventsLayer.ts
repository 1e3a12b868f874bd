// Leader, split/merge and gap events over the heatmap: one chunk fetched as the heatmap mounts
// (the first paint draws the cells without waiting for it; issue 17's bundle).
export { timeEvents } from '../../data/timeEvents.ts';
export { EventLines, EventMarkers } from './EventLayer.tsx';
