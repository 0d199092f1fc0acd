/**
 * Hart masks as the SBI passes them (binary encoding chapter): `hart_mask` is a bit vector of
 * hart ids counted from `hart_mask_base`; a base of -1 (all ones) means "every hart, ignore the
 * mask". An invalid base or a set bit naming a hart that does not exist is SBI_ERR_INVALID_PARAM.
 */
import { U64_MASK } from './sbi-call';

/** The hart ids named, or undefined when the mask is invalid. */
export function decodeHartMask(
  mask: bigint,
  base: bigint,
  hartCount: number,
): number[] | undefined {
  if (base === U64_MASK) return Array.from({ length: hartCount }, (_, i) => i);
  if (base >= BigInt(hartCount)) return undefined;
  const harts: number[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if (((mask >> BigInt(bit)) & 1n) === 0n) continue;
    const id = Number(base) + bit;
    if (id >= hartCount) return undefined;
    harts.push(id);
  }
  return harts;
}

/** Harts named by a legacy (v0.1) in-memory mask word: bit i = hart i. */
export function decodeLegacyHartMask(word: bigint, hartCount: number): number[] {
  const harts: number[] = [];
  for (let id = 0; id < hartCount && id < 64; id++) {
    if (((word >> BigInt(id)) & 1n) === 1n) harts.push(id);
  }
  return harts;
}
