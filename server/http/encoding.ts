// Accept-Encoding negotiation for precompressed files: brotli, then gzip.
export type Encoding = 'br' | 'gzip' | 'identity';

/** q-values of an Accept-Encoding header ("*" included); absent = none. */
export function acceptedEncodings(header: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q=([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    out.set(name, Number.isFinite(q) ? q : 0);
  }
  return out;
}

export function pickEncoding(
  header: string | undefined,
  variants: { br?: Buffer; gzip?: Buffer },
): Encoding {
  const acc = acceptedEncodings(header);
  const q = (name: string) => acc.get(name) ?? acc.get('*') ?? 0;
  if (variants.br && q('br') > 0 && q('br') >= q('gzip')) return 'br';
  if (variants.gzip && q('gzip') > 0) return 'gzip';
  return 'identity';
}
