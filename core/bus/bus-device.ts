/**
 * The one interface every device implements, on the MMIO bus and on the x86 port-I/O bus.
 *
 * A device sees only offsets relative to its own base and the bytes of one access; it knows nothing
 * of vCPUs, threads, mailboxes or KVM. `data.length` is the access size (1, 2, 4 or 8), little-endian.
 * Passing a byte view (rather than a number) lets the exit path hand over its mailbox or `kvm_run`
 * buffer without copying and keeps 64-bit accesses free of BigInt.
 *
 * Devices must never throw for guest-controlled input: an access to an unknown register reads as
 * zeros and ignores writes (and may count it in metrics).
 */
export interface BusDevice {
  /** Fill `data` with the value of the register(s) at `offset`. */
  read(offset: number, data: Uint8Array): void;
  /** Apply a guest write of `data` at `offset`. */
  write(offset: number, data: Uint8Array): void;
}
