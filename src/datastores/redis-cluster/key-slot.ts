// Which of Redis Cluster's 16384 hash slots a key belongs to, computed as the
// servers do (CRC16-XMODEM of the key, or of its {hash tag}), so the host and
// the clients can name a write's owning shard without asking a node.

/** Redis Cluster always has this many slots, numbered from 0. */
export const CLUSTER_SLOTS = 16384;

/** CRC16 with polynomial 0x1021 and initial value 0 (XMODEM), the variant Redis Cluster specifies. */
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ (CRC16_TABLE[((crc >> 8) ^ b) & 0xff] as number);
  return crc;
}

/**
 * The key's slot. Only the part between the first `{` and the first `}`
 * after it is hashed when that part is not empty, which is how an
 * application keeps related keys on one shard; otherwise the whole key is.
 * Keys are hashed as UTF-8 bytes, as the servers receive them.
 */
export function slotOf(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % CLUSTER_SLOTS;
  }
  return crc16(bytes) % CLUSTER_SLOTS;
}
