// Every threshold detection uses, in one place (docs/page.md quotes them). "Typical row" is the
// median, over rows with traffic, of a row's mean over the window.

/** Sustained / sudden: a row's moving average is this many times the typical row. */
export const HOT_RATIO = 3;
/** ... for at least this share of the window's columns (and at least MIN_RUN_COLUMNS). */
export const MIN_RUN_SHARE = 0.05;
export const MIN_RUN_COLUMNS = 10;
/** Hot for at least this share of the window: sustained; less: a sudden change. */
export const SUSTAINED_SHARE = 0.6;
/** Moving-average width: the window's columns / this (1..15 columns). */
export const SMOOTH_DIVISOR = 96;
export const MAX_SMOOTH = 15;

/** Diagonals: a cell this many times its row's mean (and the typical row) is a peak cell. */
export const PEAK_RATIO = 6;
/** Peak cells this close (rows, columns) belong to one track. */
export const TRACK_ROW_GAP = 3;
export const TRACK_COL_GAP = 2;
/** A track spans at least this many columns (and this share of the window's) and rows ... */
export const TRACK_MIN_COLUMNS = 6;
export const TRACK_MIN_SHARE = 0.02;
export const TRACK_MIN_ROWS = 8;
/** ... and its centre line fits a straight line this well (R^2) while crossing its rows. */
export const TRACK_MIN_R2 = 0.7;
/** Tracks at most this many rows tall per column are a write head: sequential writes. */
export const HEAD_MAX_ROWS = 4;

/** Periodic: rows are looked at in chunks of this many; a burst column is ... */
export const CHUNK_ROWS = 16;
/** ... this many times the chunk's median column (and 6 MADs above it) ... */
export const BURST_RATIO = 2.5;
export const BURST_MADS = 6;
/** ... at least this many bursts, start-to-start intervals within this share of their median. */
export const MIN_BURSTS = 3;
export const PERIOD_TOLERANCE = 0.2;
/** A vertical band: the two halves of a chunk burst together (centres within this share of a burst). */
export const ALIGN_SHARE = 0.1;

/** The panel lists at most this many. */
export const MAX_HOT_SPOTS = 20;
