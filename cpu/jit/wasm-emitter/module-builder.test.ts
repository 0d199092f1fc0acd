import { describe, it, expect } from 'vitest';
import { ModuleBuilder } from './module-builder';
import { Atomic, Mem, Op, ValType } from './opcodes';

const { i32, i64 } = ValType;

function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): WebAssembly.Exports {
  expect(WebAssembly.validate(bytes)).toBe(true);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
}

describe('ModuleBuilder', () => {
  it('emits an i64 constant INT64_MIN and arithmetic that wraps', () => {
    const m = new ModuleBuilder();
    const f = m.addFunction({ params: [i64], results: [i64] });
    f.body
      .i64Const(-(2n ** 63n))
      .localGet(0)
      .op(Op.i64_add);
    m.exportFunction('f', f.index);
    const fn = instantiate(m.encode()).f as (x: bigint) => bigint;
    expect(fn(0n)).toBe(-(2n ** 63n));
    expect(fn(-1n)).toBe(2n ** 63n - 1n);
  });

  it('loads and stores through a shared imported memory with large offsets', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 4, shared: true });
    const m = new ModuleBuilder();
    m.importMemory({ module: 'env', name: 'memory', minPages: 1, maxPages: 4, shared: true });
    const f = m.addFunction({ params: [i32, i64], results: [i64] });
    // store value at addr+70000 (offset above one page), read back sign-extended low byte
    f.body.localGet(0).localGet(1).mem(Mem.i64_store, 70000, 0);
    f.body.localGet(0).mem(Mem.i64_load8_s, 70000);
    m.exportFunction('f', f.index);
    const fn = instantiate(m.encode(), { env: { memory } }).f as (a: number, v: bigint) => bigint;
    expect(fn(3, 0x1234n + 0x80n)).toBe(-76n); // low byte 0xb4
    expect(new DataView(memory.buffer).getBigUint64(70003, true)).toBe(0x12b4n);
    expect(() => fn(65536, 1n)).toThrow(WebAssembly.RuntimeError); // out of bounds traps
  });

  it('supports block/loop/br_if (sum 1..n) and br_table', () => {
    const m = new ModuleBuilder();
    const sum = m.addFunction({ params: [i32], results: [i32] });
    const acc = sum.body.addLocal(i32);
    const b = sum.body;
    b.block().loop();
    b.localGet(0).op(Op.i32_eqz).brIf(1);
    b.localGet(acc).localGet(0).op(Op.i32_add).localSet(acc);
    b.localGet(0).i32Const(1).op(Op.i32_sub).localSet(0).br(0);
    b.end().end().localGet(acc);
    m.exportFunction('sum', sum.index);
    const sw = m.addFunction({ params: [i32], results: [i32] });
    const s = sw.body;
    s.block().block().block().localGet(0).brTable([0, 1], 2).end();
    s.i32Const(10).op(Op.return).end().i32Const(20).op(Op.return).end().i32Const(30);
    m.exportFunction('sw', sw.index);
    const ex = instantiate(m.encode());
    expect((ex.sum as (n: number) => number)(100)).toBe(5050);
    const swf = ex.sw as (n: number) => number;
    expect([0, 1, 2, 99].map(swf)).toEqual([10, 20, 30, 30]);
  });

  it('calls imports and functions through an imported table with call_indirect', () => {
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 2 });
    const seen: number[] = [];
    const m = new ModuleBuilder();
    const hook = m.importFunction('env', 'hook', { params: [i32], results: [] });
    m.importTable({ module: 'env', name: 'table', min: 1 });
    const type = m.typeIndex({ params: [i32], results: [i32] });
    const dbl = m.addFunction({ params: [i32], results: [i32] });
    dbl.body.localGet(0).call(hook).localGet(0).i32Const(2).op(Op.i32_mul);
    m.exportFunction('dbl', dbl.index);
    const via = m.addFunction({ params: [i32, i32], results: [i32] });
    via.body.localGet(0).localGet(1).callIndirect(type);
    m.exportFunction('via', via.index);
    const ex = instantiate(m.encode(), { env: { table, hook: (x: number) => seen.push(x) } });
    table.set(1, ex.dbl as () => void);
    const viaFn = ex.via as (x: number, slot: number) => number;
    expect(viaFn(21, 1)).toBe(42);
    expect(seen).toEqual([21]);
    expect(() => viaFn(1, 0)).toThrow(WebAssembly.RuntimeError); // null slot
  });

  it('emits atomics (rmw, cmpxchg, load/store) on shared memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const m = new ModuleBuilder();
    m.importMemory({ module: 'env', name: 'memory', minPages: 1, maxPages: 1, shared: true });
    const f = m.addFunction({ params: [i32], results: [i64] });
    const b = f.body;
    b.localGet(0).i64Const(5n).atomic(Atomic.i64_store, 8);
    b.localGet(0).i64Const(7n).atomic(Atomic.i64_rmw_add, 8).op(Op.drop); // 12
    b.localGet(0).i64Const(12n).i64Const(-3n).atomic(Atomic.i64_rmw_cmpxchg, 8).op(Op.drop);
    b.atomicFence();
    b.localGet(0).atomic(Atomic.i64_load, 8);
    m.exportFunction('f', f.index);
    const fn = instantiate(m.encode(), { env: { memory } }).f as (a: number) => bigint;
    expect(fn(16)).toBe(-3n);
    expect(new BigInt64Array(memory.buffer)[3]).toBe(-3n);
  });

  it('rejects unbalanced bodies and alignment above natural', () => {
    const m = new ModuleBuilder();
    const f = m.addFunction({ params: [], results: [] });
    f.body.block();
    expect(() => m.encode()).toThrow(/left open/);
    expect(() => f.body.mem(Mem.i32_load, 0, 3)).toThrow(RangeError);
    expect(() => f.body.end().end()).toThrow(/without an open block/);
  });
});
