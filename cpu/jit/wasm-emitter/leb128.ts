// LEB128 encodings used by the WebAssembly binary format (unsigned for indices and sizes,
// signed for i32/i64 constants). Numbers are used for 32-bit values, bigint for 64-bit ones.
import type { ByteSink } from './byte-buffer';

/** Appends `value` (0..2^32-1) as unsigned LEB128. */
export function writeU32(out: ByteSink, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`unsigned LEB128 out of range: ${value}`);
  }
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

/** Appends `value` (-2^31..2^31-1) as signed LEB128. */
export function writeS32(out: ByteSink, value: number): void {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`signed 32-bit LEB128 out of range: ${value}`);
  }
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Appends `value` (interpreted as a 64-bit two's-complement integer) as signed LEB128. */
export function writeS64(out: ByteSink, value: bigint): void {
  if (value >= -0x80000000n && value <= 0x7fffffffn) {
    writeS32(out, Number(value)); // same encoding, without bigint arithmetic
    return;
  }
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Decodes unsigned LEB128 at `offset` (tests and tools). */
export function readU32(bytes: ArrayLike<number>, offset: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  let i = offset;
  for (;;) {
    const byte = bytes[i++];
    if (byte === undefined) throw new RangeError('truncated LEB128');
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: i };
  }
}

/** Decodes signed 64-bit LEB128 at `offset` (tests and tools). */
export function readS64(bytes: ArrayLike<number>, offset: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let i = offset;
  for (;;) {
    const byte = bytes[i++];
    if (byte === undefined) throw new RangeError('truncated LEB128');
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if ((byte & 0x40) !== 0) value -= 1n << shift;
      return { value: BigInt.asIntN(64, value), next: i };
    }
  }
}
