/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum of 16-bit words. */

/** Adds `bytes[start, end)` as big-endian 16-bit words to a running 32-bit sum (odd tail padded). */
export function sumWords(bytes: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  // Fold now and then so the sum stays an exact integer whatever the length.
  return (sum & 0xffff) + Math.floor(sum / 0x10000);
}

/** Final checksum of a running sum: fold the carries and complement. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export function internetChecksum(bytes: Uint8Array, start: number, end: number): number {
  return finishChecksum(sumWords(bytes, start, end));
}

/** Sum of the TCP/UDP pseudo-header (RFC 793 §3.1): addresses, protocol and segment length. */
export function pseudoHeaderSum(
  srcIp: number,
  dstIp: number,
  protocol: number,
  length: number,
): number {
  return (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + protocol + length;
}
