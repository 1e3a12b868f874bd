// The synthetic key space: regions of realistic keys, one per adapter or key
// style, laid out in sorted byte order of their prefixes. Every key a region
// makes starts with its prefix, so regions never interleave.
import type { Rng } from './prng.ts';

const utf8 = new TextEncoder();

export type RegionName =
  | 'meta'
  | 'dynamo'
  | 'redis'
  | 's3'
  | 'sqs'
  | 'markup'
  | 'rawkv'
  | 'cyrillic'
  | 'cjk'
  | 'emoji'
  | 'highbytes';

export interface Region {
  name: RegionName;
  /** Adapter label reported for the region's routes ('' = none). */
  label: string;
  prefix: Uint8Array;
  /** Share of the route catalogue. */
  weight: number;
  /** A random key that starts with `prefix`. */
  key(rng: Rng): Uint8Array;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function hex(rng: Rng, chars: number): string {
  let s = '';
  for (let i = 0; i < chars; i++) s += (rng.next() & 15).toString(16);
  return s;
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** 8-byte big-endian unsigned integer (ids up to 2^53). */
export function u64be(n: number): Uint8Array {
  const out = new Uint8Array(8);
  let hi = Math.floor(n / 0x1_0000_0000);
  let lo = n >>> 0;
  for (let i = 7; i >= 4; i--) {
    out[i] = lo & 0xff;
    lo >>>= 8;
  }
  for (let i = 3; i >= 0; i--) {
    out[i] = hi & 0xff;
    hi >>>= 8;
  }
  return out;
}

const DDB_TABLES = ['carts', 'inventory', 'orders', 'sessions', 'users'];
const DDB_PK: Record<string, string> = {
  carts: 'cart#',
  inventory: 'sku#',
  orders: 'cust#',
  sessions: 'sess#',
  users: 'user#',
};
const REDIS_KINDS: [string, (r: Rng) => string][] = [
  ['str', (r) => `user:${r.range(1, 99_999)}`],
  ['hash', (r) => `session:${hex(r, 12)}`],
  ['list', (r) => `queue:jobs:${r.range(1, 99_999)}`],
  [
    'set',
    (r) => `tags:${r.pick(['blue', 'green', 'red', 'sale', 'new', 'vip'])}:${r.range(1, 9999)}`,
  ],
  [
    'zset',
    (r) =>
      `leaderboard:${r.pick(['chess', 'go', 'kart', 'trivia'])}:${r.range(2020, 2026)}:s${r.range(1, 999)}`,
  ],
];
const S3_OBJECTS: ((r: Rng) => string)[] = [
  (r) => `photos/2026/${pad(r.range(1, 12), 2)}/img_${pad(r.range(1, 9999), 4)}.jpg`,
  (r) =>
    `logs/app/2026/11/${pad(r.range(1, 30), 2)}/app-${pad(r.range(0, 23), 2)}-${hex(r, 6)}.log.gz`,
  (r) => `backups/db/2026-11-${pad(r.range(1, 30), 2)}/part-${pad(r.range(0, 99_999), 5)}.parquet`,
  (r) =>
    `static-site/assets/${r.pick(['css', 'js', 'img', 'fonts'])}/${hex(r, 10)}.${r.pick(['css', 'js', 'png', 'woff2'])}`,
];
const SQS_QUEUES = ['billing-events', 'dead-letter', 'email-outbox', 'orders.fifo', 'thumbnails'];
const RU_WORDS = ['заказ', 'корзина', 'Москва', 'пользователь', 'Санкт-Петербург'];
const CJK_WORDS = ['上海', '北京', '大阪', '東京', '서울', '台北'];
const EMOJI = ['😀', '🔥', '🚀', '🎉', '🍣', '👩‍💻', '🇯🇵', '✨'];
// Heads must encode as F0 9F .. to stay inside the region ('✨' is U+2728).
const EMOJI_HEADS = EMOJI.filter((e) => e.codePointAt(0)! >= 0x1f000);
const MARKUP: ((r: Rng) => string)[] = [
  (r) => `<script>alert(${r.range(1, 9999)})</script>`,
  (r) => `<img src=x onerror="alert('${hex(r, 4)}')">`,
  (r) => `<b onmouseover='x'>&amp;&lt;${r.range(1, 9999)}`,
  (r) => `<!-- ${hex(r, 6)} --> "quoted" & 'single' \\ back\`tick`,
];

function text(prefix: string, rest: (r: Rng) => string): (r: Rng) => Uint8Array {
  return (r) => utf8.encode(prefix + rest(r));
}

/** All regions in ascending prefix order (a test checks the order holds). */
export const REGIONS: readonly Region[] = [
  {
    name: 'meta',
    label: '',
    prefix: new Uint8Array([0x00]),
    weight: 0.02,
    // System keys: 0x00, control bytes and arbitrary binary.
    key: (r) =>
      concat([0x00, r.range(0, 0x1f)], utf8.encode(r.pick(['sys', 'meta', 'raft', 'txn'])), [
        r.range(0, 0x1f),
        r.next() & 0xff,
        r.next() & 0xff,
        r.next() & 0xff,
      ]),
  },
  {
    name: 'dynamo',
    label: 'dynamo',
    prefix: utf8.encode('!ddb|'),
    weight: 0.2,
    key: text('!ddb|', (r) => {
      const t = r.pick(DDB_TABLES);
      const sk = `2026-11-${pad(r.range(1, 30), 2)}T${pad(r.range(0, 23), 2)}:${pad(r.range(0, 59), 2)}:${pad(r.range(0, 59), 2)}Z#${pad(r.range(0, 9999), 4)}`;
      return `${t}|${DDB_PK[t]}${pad(r.range(1, 999_999), 6)}|${sk}`;
    }),
  },
  {
    name: 'redis',
    label: 'redis',
    prefix: utf8.encode('!redis|'),
    weight: 0.22,
    key: text('!redis|', (r) => {
      const [kind, name] = r.pick(REDIS_KINDS);
      return `${kind}|${name(r)}`;
    }),
  },
  {
    name: 's3',
    label: 's3',
    prefix: utf8.encode('!s3|'),
    weight: 0.15,
    key: text(
      '!s3|',
      (r) => `${r.pick(['acme-prod', 'acme-staging', 'bucket'])}/${r.pick(S3_OBJECTS)(r)}`,
    ),
  },
  {
    name: 'sqs',
    label: 'sqs',
    prefix: utf8.encode('!sqs|'),
    weight: 0.08,
    key: text(
      '!sqs|',
      (r) => `${r.pick(SQS_QUEUES)}|${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
    ),
  },
  {
    name: 'markup',
    label: '',
    prefix: utf8.encode('<'),
    weight: 0.02,
    // Printable but hostile: exercises the page's escaping.
    key: (r) => utf8.encode(r.pick(MARKUP)(r)),
  },
  {
    name: 'rawkv',
    label: 'rawkv',
    prefix: utf8.encode('t'),
    weight: 0.18,
    // TiDB-like row keys: 't' + 8-byte BE table id + '_r' + 8-byte BE row id.
    key: (r) =>
      concat(
        utf8.encode('t'),
        u64be(r.range(1, 64)),
        utf8.encode('_r'),
        u64be(r.int(0x1_0000) * 0x1_0000_0000 + r.next()),
      ),
  },
  {
    name: 'cyrillic',
    label: 'rawkv',
    prefix: utf8.encode('ключ/'),
    weight: 0.04,
    key: text('ключ/', (r) => `${r.pick(RU_WORDS)}/${r.range(1, 99_999)}`),
  },
  {
    name: 'cjk',
    label: 'rawkv',
    prefix: utf8.encode('用户/'),
    weight: 0.05,
    key: text('用户/', (r) => `${r.pick(CJK_WORDS)}/注文-${r.range(1, 99_999)}`),
  },
  {
    name: 'emoji',
    label: 'rawkv',
    // Every emoji here encodes as F0 9F ..; the prefix is those two bytes.
    prefix: new Uint8Array([0xf0, 0x9f]),
    weight: 0.02,
    key: (r) => utf8.encode(`${r.pick(EMOJI_HEADS)}/${r.pick(EMOJI)}${r.range(1, 9999)}`),
  },
  {
    name: 'highbytes',
    label: '',
    prefix: new Uint8Array([0xff]),
    weight: 0.02,
    // Neither text nor integers: 0xff, lone continuation bytes, overlongs, NUL.
    key: (r) => {
      const tail = [0xff, r.range(0x80, 0xff), 0xc0, r.range(0x80, 0xbf)];
      for (let i = 0; i < 6; i++) tail.push(r.pick([0x00, 0x7f, 0xfe, r.next() & 0xff]));
      return new Uint8Array(tail);
    },
  },
];
