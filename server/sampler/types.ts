// The sampler's public surface: what the server, the workload, the fixture
// loader and the gateway build on. Semantics: ../shared/contract.md §3.

/** An injectable clock: tests and backfill drive time by hand. */
export interface Clock {
  now(): number; // unix ms
}

export const OP_READ = 0;
export const OP_WRITE = 1;
export type Op = typeof OP_READ | typeof OP_WRITE;

export interface RouteInfo {
  /** Route id; real route ids stay far below 2^53, so a number. */
  id: number;
  /** Inclusive start key; empty = low end. */
  start: Uint8Array;
  /** Exclusive end key; empty = unbounded tail. */
  end: Uint8Array;
  /** Adapter label (dynamo, redis, s3, sqs, rawkv) or ''. */
  label: string;
  /** Raft group that owns the route. */
  raftGroupId: number;
}

export interface SamplerOptions {
  stepMs: number; // default 60_000
  historyColumns: number; // default 1440
  maxTrackedRoutes: number; // default 10_000
  maxMemberRoutesPerSlot: number; // default 256
  clock: Clock;
  /** Leader term of a Raft group at flush time (0 = unknown). */
  leaderTermOf?: (raftGroupId: number) => number;
}

/** Counters of one bucket in one column. */
export interface CellCounters {
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
}

/** One bucket's identity as of a column (a route, or a virtual aggregate). */
export interface BucketMeta {
  /** "route:<id>" or "virtual:<id>"; virtual ids count down from 2^64-1 (decimal string). */
  bucketId: string;
  start: Uint8Array;
  end: Uint8Array;
  label: string;
  aggregate: boolean;
  /** Member route ids (decimal strings), capped at maxMemberRoutesPerSlot. */
  routeIds: string[];
  /** True number of member routes (1 for a single route). */
  routeCount: number;
  /** A row of the whole-key-space fold (fold.ts): how many buckets it folds (may be 0). */
  foldedBuckets?: number;
}

/** One flushed column: its time and one entry per bucket with any non-zero counter. */
export interface Column {
  unixMs: number;
  rows: ColumnRow[]; // sorted by start key
}

export interface ColumnRow extends CellCounters {
  meta: BucketMeta;
  raftGroupId: number;
  leaderTerm: number;
  /**
   * Exact uint64 counters where the double is not (at or above 2^53, e.g. a
   * replayed record file): [reads, writes, readBytes, writeBytes], undefined =
   * the double is exact. The counters above then hold the nearest doubles.
   */
  exact?: readonly (bigint | undefined)[];
}

export type SeriesName = 'reads' | 'writes' | 'read_bytes' | 'write_bytes';

export interface MatrixRequest {
  /** KeyVizSeries enum value; 0 and unknown = writes. */
  series: number;
  fromUnixMs: number; // 0 = unbounded
  toUnixMs: number; // 0 = unbounded
  rows: number; // 0 = 1024, clamped to 1024
  /** Gateway: keep every node's exact flush times (the node's merge) instead of aligning. */
  exactColumns?: boolean;
  /** Fold the buckets the budget drops into their neighbours, so rows tile the key space. */
  foldKeySpace?: boolean;
}

/** The pivot's result: row-major, ready to encode (fast wire path or generic). */
export interface MatrixResult {
  columnUnixMs: number[];
  rows: MatrixRow[];
  /** Width of each column in ms when they differ from the step (history tiers; docs/history.md). */
  columnWidthMs?: number[];
  /** Buckets with traffic in the window before the row budget (rows.length of them kept). */
  trackedBuckets?: number;
  /** The rows are the whole-key-space fold (the request's foldKeySpace honoured). */
  keySpaceFolded?: boolean;
}

export interface MatrixRow {
  meta: BucketMeta;
  /** One per column; exact integers below 2^53 (the nearest double above). */
  values: Float64Array;
  /**
   * Cells at or above 2^53 (from other nodes through the gateway): column ->
   * the exact uint64. Encoders write these instead of the double (server/wire/exact.ts).
   */
  exactValues?: Map<number, bigint>;
  raftGroupIds: Float64Array;
  leaderTerms: Float64Array;
}

/** Cluster view through the gateway: how one upstream answered. */
export interface UpstreamStatus {
  node: string;
  ok: boolean;
  /** "<code>: <message>" when not ok. */
  error: string;
  /** Connect code name ("unavailable", "deadline_exceeded", ...) when not ok. */
  code: string;
  latencyMs: number;
}

/** Cluster view: a write cell two nodes disagreed on for one (group, term). */
export interface CellConflictInfo {
  row: number;
  column: number;
  nodes: string[];
}

/** What a backend answers for GetKeyVizMatrix: a pivot result plus cluster extras. */
export interface MatrixAnswer extends MatrixResult {
  /** Gateway only; empty for a single local sampler. */
  nodes: UpstreamStatus[];
  conflicts: CellConflictInfo[];
  /** Gateway only: contributing node ids per row, parallel to rows. */
  contributingNodes?: string[][];
  /** Gateway only: the step the nodes' column times were aligned to (absent = exact times). */
  alignedStepMs?: number;
}

// --- additions (sampler implementation) ---

/** Optional sampler tuning beyond the node's flags. */
export interface SamplerTuning {
  /** Most virtual (aggregate) buckets at once; default 64. */
  maxVirtualBuckets?: number;
}
