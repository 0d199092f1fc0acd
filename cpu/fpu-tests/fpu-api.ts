/**
 * Typed access to the FPU test module: calls any API function by name with bit-pattern
 * operands given as bigints, and returns the result as the unsigned pattern RISC-V writes
 * (32-bit integer results as their 32-bit pattern) plus the flags raised.
 */
import type { FpuExports } from './build';

export interface FpuOutcome {
  readonly result: bigint;
  readonly flags: number;
}

type Caller = (fpu: FpuExports, operands: readonly bigint[], rm: number) => bigint;

const u32 = (x: bigint): number => Number(BigInt.asUintN(32, x));
const i32 = (x: bigint): number => Number(BigInt.asIntN(32, x));
const fromU32 = (x: unknown): bigint => BigInt((x as number) >>> 0);
const fromU64 = (x: unknown): bigint => BigInt.asUintN(64, x as bigint);

function fn(fpu: FpuExports, name: string): (...args: unknown[]) => unknown {
  const f = fpu[name];
  if (typeof f !== 'function') throw new Error(`FPU module has no export ${name}`);
  return f as (...args: unknown[]) => unknown;
}

/** How to call one API function (operand types, whether it takes rm, result width). */
function callerFor(name: string): Caller {
  const [, src, op] = /^(f32|f64|i32|u32|i64|u64)_(.*)$/.exec(name) ?? [];
  if (!src || !op) throw new Error(`unknown FPU op ${name}`);
  const single = src === 'f32';
  const arg = single ? u32 : (x: bigint) => x;
  const res = single ? fromU32 : fromU64;
  if (src !== 'f32' && src !== 'f64') {
    // integer -> float
    const conv = src === 'i32' ? i32 : src === 'u32' ? u32 : (x: bigint) => x;
    const out = op === 'to_f32' ? fromU32 : fromU64;
    return (f, [a = 0n], rm) => out(fn(f, name)(conv(a), rm));
  }
  switch (op) {
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
      return (f, [a = 0n, b = 0n], rm) => res(fn(f, name)(arg(a), arg(b), rm));
    case 'fma':
      return (f, [a = 0n, b = 0n, c = 0n], rm) => res(fn(f, name)(arg(a), arg(b), arg(c), rm));
    case 'sqrt':
      return (f, [a = 0n], rm) => res(fn(f, name)(arg(a), rm));
    case 'min':
    case 'max':
      return (f, [a = 0n, b = 0n]) => res(fn(f, name)(arg(a), arg(b)));
    case 'eq':
    case 'lt':
    case 'le':
      return (f, [a = 0n, b = 0n]) => fromU32(fn(f, name)(arg(a), arg(b)));
    case 'class':
      return (f, [a = 0n]) => fromU32(fn(f, name)(arg(a)));
    case 'to_i32':
    case 'to_u32':
      return (f, [a = 0n], rm) => fromU32(fn(f, name)(arg(a), rm));
    case 'to_i64':
    case 'to_u64':
      return (f, [a = 0n], rm) => fromU64(fn(f, name)(arg(a), rm));
    case 'to_f64':
      return (f, [a = 0n]) => fromU64(fn(f, name)(arg(a)));
    case 'to_f32':
      return (f, [a = 0n], rm) => fromU32(fn(f, name)(arg(a), rm));
    default:
      throw new Error(`unknown FPU op ${name}`);
  }
}

const callers = new Map<string, Caller>();

/** Runs `name` on the operands with rounding mode `rm`, collecting (and clearing) its flags. */
export function runOp(
  fpu: FpuExports,
  name: string,
  operands: readonly bigint[],
  rm: number,
): FpuOutcome {
  let caller = callers.get(name);
  if (!caller) {
    caller = callerFor(name);
    callers.set(name, caller);
  }
  fpu.fpu_take_flags();
  const result = caller(fpu, operands, rm);
  return { result, flags: fpu.fpu_take_flags() };
}
