// What Live needs and the first paint does not: loaded when the operator picks Live.
export { LiveFollower } from './liveFollower.ts';
export { appendColumns, withNewerColumns, DEFAULT_MAX_COLUMNS } from '../../data/liveAppend.ts';
export { ArrayPool } from '../../data/arrayPool.ts';
