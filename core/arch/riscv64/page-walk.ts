/**
 * A read-only Sv39/Sv48 page-table walk, for tools (the Inspector, debuggers): it reports every
 * level it visits and never changes anything — no A/D updates, no TLB fills — so it is safe while
 * the harts run. Permission checks are the caller's business; this answers "where does the page
 * table send this address, and how".
 */

export interface PageWalkStep {
  /** 3 (Sv48 root) or 2 (Sv39 root) down to 0. */
  level: number;
  pteAddress: bigint;
  pte: bigint;
  /** R W X U G A D, with '-' for clear bits; '' for an invalid entry. */
  flags: string;
}

export type PageWalkResult =
  | { ok: true; physical: bigint; pageSize: bigint; mode: string; steps: PageWalkStep[] }
  | { ok: false; reason: string; mode: string; steps: PageWalkStep[] };

const PAGE_SHIFT = 12n;
const PPN_MASK = (1n << 44n) - 1n;
const MODES: Record<number, { name: string; levels: number }> = {
  8: { name: 'Sv39', levels: 3 },
  9: { name: 'Sv48', levels: 4 },
};

function flagString(pte: bigint): string {
  return ['R', 'W', 'X', 'U', 'G', 'A', 'D']
    .map((f, i) => ((pte >> BigInt(i + 1)) & 1n ? f : '-'))
    .join('');
}

/**
 * @param satp  the hart's satp
 * @param va    the virtual address
 * @param readU64  reads guest physical memory; undefined outside RAM
 */
export function walkPageTable(
  satp: bigint,
  va: bigint,
  readU64: (physical: bigint) => bigint | undefined,
): PageWalkResult {
  const modeNumber = Number(BigInt.asUintN(64, satp) >> 60n);
  if (modeNumber === 0) {
    return { ok: true, physical: BigInt.asUintN(64, va), pageSize: 0n, mode: 'Bare', steps: [] };
  }
  const mode = MODES[modeNumber];
  if (!mode)
    return {
      ok: false,
      reason: `satp mode ${modeNumber} is not Sv39/Sv48`,
      mode: `mode ${modeNumber}`,
      steps: [],
    };
  const vaBits = BigInt(12 + 9 * mode.levels);
  const address = BigInt.asUintN(64, va);
  const signExtended = BigInt.asUintN(64, BigInt.asIntN(Number(vaBits), address));
  const steps: PageWalkStep[] = [];
  if (signExtended !== address) {
    return { ok: false, reason: `not canonical for ${mode.name}`, mode: mode.name, steps };
  }
  let table = (BigInt.asUintN(64, satp) & PPN_MASK) << PAGE_SHIFT;
  for (let level = mode.levels - 1; level >= 0; level--) {
    const vpn = (address >> (PAGE_SHIFT + 9n * BigInt(level))) & 0x1ffn;
    const pteAddress = table + vpn * 8n;
    const pte = readU64(pteAddress);
    if (pte === undefined) {
      return {
        ok: false,
        reason: `page table entry at 0x${pteAddress.toString(16)} is outside RAM`,
        mode: mode.name,
        steps,
      };
    }
    const valid = (pte & 1n) === 1n && !((pte & 0b110n) === 0b100n); // V, and not W without R
    steps.push({ level, pteAddress, pte, flags: valid ? flagString(pte) : '' });
    if (!valid)
      return { ok: false, reason: `invalid entry at level ${level}`, mode: mode.name, steps };
    const ppn = (pte >> 10n) & PPN_MASK;
    if ((pte & 0b1010n) !== 0n) {
      // Leaf (R or X): a superpage keeps the low VPN bits of the address.
      const lowBits = PAGE_SHIFT + 9n * BigInt(level);
      const lowMask = (1n << lowBits) - 1n;
      if (((ppn << PAGE_SHIFT) & lowMask) !== 0n) {
        return {
          ok: false,
          reason: `misaligned superpage at level ${level}`,
          mode: mode.name,
          steps,
        };
      }
      const physical = ((ppn << PAGE_SHIFT) & ~lowMask) | (address & lowMask);
      return { ok: true, physical, pageSize: 1n << lowBits, mode: mode.name, steps };
    }
    table = ppn << PAGE_SHIFT;
  }
  return { ok: false, reason: 'no leaf entry at level 0', mode: mode.name, steps };
}
