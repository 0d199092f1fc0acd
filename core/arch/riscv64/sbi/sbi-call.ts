/**
 * The decoded form of one ECALL and the shapes a handler can answer with. Shared by the dispatcher
 * and the per-extension handler modules.
 */
import type { SbiHart, SbiPlatform } from './sbi-interfaces';

export interface SbiCall {
  readonly hart: SbiHart;
  readonly platform: SbiPlatform;
  /** a0..a5 as unsigned 64-bit values. */
  readonly args: readonly bigint[];
  /** a6 as a signed 32-bit FID (undefined when a6 is not a sign-extended 32-bit value). */
  readonly fid: number | undefined;
}

export type SbiOutcome =
  /** SBI v0.2+ convention: a0 = error, a1 = value. */
  | { readonly kind: 'return'; readonly error: number; readonly value: bigint }
  /** Legacy convention: only a0 changes. */
  | { readonly kind: 'legacy'; readonly a0: bigint }
  /** The hart stopped or the machine is resetting: write nothing, leave run(). */
  | { readonly kind: 'leave' };

export const ok = (value: bigint | number = 0n): SbiOutcome => ({
  kind: 'return',
  error: 0,
  value: BigInt(value),
});
export const fail = (error: number): SbiOutcome => ({ kind: 'return', error, value: 0n });
export const legacy = (a0: bigint | number): SbiOutcome => ({ kind: 'legacy', a0: BigInt(a0) });
export const LEAVE: SbiOutcome = { kind: 'leave' };

export const U64_MASK = (1n << 64n) - 1n;
/** Unsigned 64-bit view of a register value. */
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
/** The argument as a (clamped) small number for 32-bit parameters: low 32 bits, unsigned. */
export const low32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
