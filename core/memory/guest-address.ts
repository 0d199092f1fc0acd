/**
 * Guest physical addresses.
 *
 * A branded `number` so an offset into a buffer cannot be passed where a guest address is meant
 * (and vice versa) without an explicit conversion. Our machines place RAM below 2^53 (RISC-V: at
 * 0x8000_0000; x86_64: from 0), so every address is an exact integer in a double; anything at or
 * above 2^53, negative, fractional or NaN is not an address and is refused by `toGuestAddress`.
 */
export type GuestAddress = number & { readonly __brand: 'GuestAddress' };

/** One past the largest address we represent: 2^53. */
export const GUEST_ADDRESS_LIMIT = Number.MAX_SAFE_INTEGER + 1;

/** True when `value` is a representable guest address (integer, 0 ≤ value < 2^53). */
export function isGuestAddress(value: number): value is GuestAddress {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Brand a number as a guest address, or throw a RangeError naming the bad value. */
export function toGuestAddress(value: number): GuestAddress {
  if (!isGuestAddress(value)) throw new RangeError(`not a guest address: ${value}`);
  return value;
}

/**
 * Combine two 32-bit register halves (as the virtio-mmio *Low/*High registers hold them).
 * Returns undefined when the result does not fit below 2^53.
 */
export function addressFromHalves(low: number, high: number): GuestAddress | undefined {
  const value = (high >>> 0) * 0x1_0000_0000 + (low >>> 0);
  return isGuestAddress(value) ? value : undefined;
}
