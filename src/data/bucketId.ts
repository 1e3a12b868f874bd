// Bucket ids as the node writes them (contract.md §5.3): `virtual:<id>` for an aggregate,
// `route:<id>[:<label>][#<sub>]` for one route, an adapter slot and a sub-range. Ids are uint64
// and stay decimal strings. Pure, so the hot-keys panel and the console pages share one reading.

/** 2^64 - 1: the largest route id (and the first synthetic virtual id). */
export const MAX_UINT64 = 18446744073709551615n;
/** The node's MaxKeyBucketsPerRoute: sub-bucket indices are below it. */
export const MAX_SUB_BUCKETS = 256;
/** Labels the node's hot-keys endpoint accepts (an empty label is the legacy slot). */
export const KNOWN_LABELS: readonly string[] = ['dynamo', 'redis', 's3', 'sqs', 'rawkv'];

export type BucketId =
  | { kind: 'virtual'; id: string }
  | { kind: 'route'; routeId: string; label: string; subBucket: number | null };

/** A canonical uint64 in decimal (no sign, no leading zeros, at most 2^64 - 1); else null. */
export function parseUint64(s: string): string | null {
  if (!/^(0|[1-9][0-9]{0,19})$/.test(s)) return null;
  return BigInt(s) <= MAX_UINT64 ? s : null;
}

const ROUTE = /^route:([0-9]+)(?::([A-Za-z0-9_-]+))?(?:#([0-9]+))?$/;
const VIRTUAL = /^virtual:([0-9]+)$/;

/** The parts of a bucket id, or null when it is not in the node's grammar. */
export function parseBucketId(s: string): BucketId | null {
  const v = VIRTUAL.exec(s);
  if (v) {
    const id = parseUint64(v[1]);
    return id === null ? null : { kind: 'virtual', id };
  }
  const m = ROUTE.exec(s);
  if (!m) return null;
  const routeId = parseUint64(m[1]);
  if (routeId === null) return null;
  let subBucket: number | null = null;
  if (m[3] !== undefined) {
    // The node writes `#<i>` only for a route split into 2..256 sub-buckets.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(m[3])) return null;
    subBucket = Number(m[3]);
    if (subBucket >= MAX_SUB_BUCKETS) return null;
  }
  return { kind: 'route', routeId, label: m[2] ?? '', subBucket };
}

/** The id back in the node's spelling (parse and format round-trip). */
export function formatBucketId(b: BucketId): string {
  if (b.kind === 'virtual') return `virtual:${b.id}`;
  return (
    `route:${b.routeId}` +
    (b.label ? `:${b.label}` : '') +
    (b.subBucket === null ? '' : `#${b.subBucket}`)
  );
}
