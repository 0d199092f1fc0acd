/**
 * Guest RAM as the VMM's devices see it, telling the JIT about writes into translated code.
 *
 * The CPU's store path checks the JIT's code bitmap after every RAM write (cpu/assembly/memory.ts);
 * device DMA (a virtio-blk read landing in a page-cache page that held code an exited program
 * ran, say) writes guest RAM from the VMM thread instead. Every write method here does the same
 * check afterwards, so each hart's translation cache drops the page at its next lookup.
 */
import { GuestMemory, type GuestAddress, type GuestRegionInit } from '../../../core/memory';
import { GUEST_RAM_PHYS_BASE } from '../../../cpu/layout/wasm-memory';
import { holdsCode, markWritten } from '../../../cpu/jit/code-bitmap';

export class CodeTrackingGuestMemory extends GuestMemory {
  private readonly words: Int32Array;

  /** `wasmMemory` holds the JIT words; `regions` view its guest RAM (starting at RAM's base). */
  constructor(regions: readonly GuestRegionInit[], wasmMemory: WebAssembly.Memory) {
    super(regions);
    this.words = new Int32Array(wasmMemory.buffer);
  }

  override write(address: GuestAddress, src: Uint8Array): void {
    super.write(address, src);
    this.noteWrite(address, src.length);
  }

  override fill(address: GuestAddress, length: number, value: number): void {
    super.fill(address, length, value);
    this.noteWrite(address, length);
  }

  override writeU8(address: GuestAddress, value: number): void {
    super.writeU8(address, value);
    this.noteWrite(address, 1);
  }

  override writeU16(address: GuestAddress, value: number): void {
    super.writeU16(address, value);
    this.noteWrite(address, 2);
  }

  override writeU32(address: GuestAddress, value: number): void {
    super.writeU32(address, value);
    this.noteWrite(address, 4);
  }

  override writeU64(address: GuestAddress, value: bigint): void {
    super.writeU64(address, value);
    this.noteWrite(address, 8);
  }

  override storeU16Release(address: GuestAddress, value: number): void {
    super.storeU16Release(address, value);
    this.noteWrite(address, 2);
  }

  private noteWrite(address: number, length: number): void {
    invalidateCodePages(this.words, address, length);
  }
}

/**
 * After `length` bytes at guest-physical `address` were written from outside the CPU: clear the
 * code bit of every page they touch that has it and bump its version (cpu/jit/code-bitmap.ts).
 * `words` views the whole WebAssembly memory.
 */
export function invalidateCodePages(words: Int32Array, address: number, length: number): void {
  if (length <= 0) return;
  const first = Math.floor((address - GUEST_RAM_PHYS_BASE) / 4096);
  const last = Math.floor((address + length - 1 - GUEST_RAM_PHYS_BASE) / 4096);
  for (let page = Math.max(0, first); page <= last; page++) {
    // The plain load keeps the common case (no code there) free of read-modify-writes.
    if (holdsCode(words, page)) markWritten(words, page);
  }
}
