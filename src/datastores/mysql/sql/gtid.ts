// How far a node has got, from its GTID position, to pick the most advanced
// replica. MariaDB: "domain-server-seq,..." (one position per domain).
// MySQL: "uuid:1-100:102,uuid2:1-5" (sets of transaction numbers).

export function gtidProgress(flavor: 'mariadb' | 'mysql', text: string | null | undefined): number {
  if (!text) return 0;
  const parts = text.replace(/\s+/g, '').split(',').filter(Boolean);
  if (flavor === 'mariadb') {
    return parts.reduce((sum, part) => sum + Number(part.split('-')[2] ?? 0), 0);
  }
  let count = 0;
  for (const part of parts) {
    for (const interval of part.split(':').slice(1)) {
      const [from, to] = interval.split('-').map(Number);
      if (from === undefined || Number.isNaN(from)) continue;
      count += (to ?? from) - from + 1;
    }
  }
  return count;
}


/**
 * One GTID domain's entry of a MariaDB position ("1-1-57,2-2-30" -> "2-2-30"
 * for domain 2), or null when the domain has none: what a node waits for to
 * have applied another primary's own writes, which it never applies for its
 * own domain.
 */
export function domainPosition(text: string | null | undefined, domain: number): string | null {
  if (!text) return null;
  for (const part of text.replace(/\s+/g, '').split(',')) {
    if (Number(part.split('-')[0]) === domain && part.split('-').length === 3) return part;
  }
  return null;
}
