// The cell card's components, one chunk fetched right after the heatmap mounts: the first
// paint does not carry them (issue 17's bundle), and they are in place before a first hover.
export { CompactCard, FlyoutBody } from './Flyout.tsx';
export { CopyButtons } from './CopyButtons.tsx';
