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

