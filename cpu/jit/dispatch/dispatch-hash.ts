// TypeScript's side of one hart's dispatch area (dispatch-layout.ts): installs and removes hash
// entries while the dispatcher is not running (same thread), reads requests and statistics.
import * as D from './dispatch-layout';

export class DispatchHash {
  private readonly i32: Int32Array;
  private readonly u32: Uint32Array;
  private readonly mask: number;

  constructor(
    memory: WebAssembly.Memory,
    readonly area: D.DispatchArea,
  ) {
    this.i32 = new Int32Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
    this.mask = 2 ** area.bits - 1;
    this.reset();
  }

  /** Zeroes the header and every entry. */
  reset(): void {
    this.i32.fill(0, this.area.header >> 2, (this.area.entries >> 2) + 2 * (this.mask + 1));
  }

  /** Empties the hash (statistics stay). */
  clear(): void {
    this.i32.fill(0, this.area.entries >> 2, (this.area.entries >> 2) + 2 * (this.mask + 1));
  }

  install(wasmPc: number, value: number): void {
    const e = (this.area.entries + D.hashOffset(wasmPc, this.area.bits)) >> 2;
    this.u32[e] = wasmPc;
    this.i32[e + 1] = value;
  }

  /** Removes `wasmPc`'s entry if it holds that pc (direct-mapped: another pc may own the slot). */
  remove(wasmPc: number): void {
    const e = (this.area.entries + D.hashOffset(wasmPc, this.area.bits)) >> 2;
    if (this.u32[e] !== wasmPc >>> 0) return;
    this.u32[e] = 0;
    this.i32[e + 1] = 0;
  }

  get left(): number {
    return this.i32[(this.area.header + D.HDR_LEFT) >> 2]!;
  }
  get arg(): number {
    return this.u32[(this.area.header + D.HDR_ARG) >> 2]!;
  }
  set heatLimit(limit: number) {
    this.i32[(this.area.header + D.HDR_HEAT_LIMIT) >> 2] = limit;
  }
  set generation(g: number) {
    this.i32[(this.area.header + D.HDR_GENERATION) >> 2] = g;
  }

  counter(offset: number): number {
    const w = (this.area.header + offset) >> 2;
    return this.u32[w]! + this.u32[w + 1]! * 2 ** 32;
  }
}
