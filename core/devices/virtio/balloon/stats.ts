/** Memory statistics tags of the stats queue (virtio 1.x 5.5.6.3), with Firecracker's names. */
export const STAT_NAMES = [
  'swap_in',
  'swap_out',
  'major_faults',
  'minor_faults',
  'free_memory',
  'total_memory',
  'available_memory',
  'disk_caches',
  'hugetlb_allocations',
  'hugetlb_failures',
] as const;

export type StatName = (typeof STAT_NAMES)[number];
/** Latest statistics the guest reported (values ≥ 2^53 lose precision; they are byte counts). */
export type BalloonStats = Partial<Record<StatName, number>>;

/** One stat is `le16 tag, le64 val` (10 bytes, packed). Unknown tags are skipped. */
export const STAT_BYTES = 10;

export function parseStats(bytes: Uint8Array): BalloonStats {
  const stats: BalloonStats = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + STAT_BYTES <= bytes.length; at += STAT_BYTES) {
    const name = STAT_NAMES[view.getUint16(at, true)];
    if (!name) continue;
    stats[name] = view.getUint32(at + 2, true) + view.getUint32(at + 6, true) * 2 ** 32;
  }
  return stats;
}

export function encodeStats(entries: ReadonlyArray<[tag: number, value: number]>): Uint8Array {
  const out = new Uint8Array(entries.length * STAT_BYTES);
  const view = new DataView(out.buffer);
  entries.forEach(([tag, value], i) => {
    view.setUint16(i * STAT_BYTES, tag, true);
    view.setUint32(i * STAT_BYTES + 2, value >>> 0, true);
    view.setUint32(i * STAT_BYTES + 6, Math.floor(value / 2 ** 32), true);
  });
  return out;
}
