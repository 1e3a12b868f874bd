// The "Explore traffic" view model: pure functions over the Matrix for zoom/pan/history,
// gaps, marginals, key bands, filtering, export, record files and the keyboard cursor.
export * from './viewport.ts';
export * from './gaps.ts';
export * from './marginals.ts';
export * from './keyBands.ts';
export * from './filter.ts';
// exportView.ts and recordFile.ts are imported directly, on demand (a re-export here would put
// them in the heatmap's first-paint bundle).
export * from './cellCursor.ts';
export * from './screen.ts';
export * from './keyOrder.ts';
export * from './keyLabels.ts';
