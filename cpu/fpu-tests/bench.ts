/**
 * FPU micro-benchmark: CPU nanoseconds per operation, measured inside WASM (bench_run loops).
 *   npx tsx cpu/fpu-tests/bench.ts
 */
import { instantiateFpu } from './build';

const names = [
  'f64_add',
  'f64_mul',
  'f64_div',
  'f64_sqrt',
  'f64_fma',
  'f32_add',
  'f32_mul',
  'f32_div',
  'f32_sqrt',
  'f32_fma',
  'f64_to_i64',
  'f64_to_i32',
  'i64_to_f64',
  'native f64 add',
];
const modes = ['RNE', 'RTZ', 'RDN', 'RUP', 'RMM'];

const fpu = await instantiateFpu();
const run = fpu.bench_run as (op: number, n: number, rm: number) => bigint;
const n = 2_000_000;
console.log(`ns/op (${n} ops each)   ${modes.join('    ')}`);
for (let op = 0; op < names.length; op++) {
  const cells: string[] = [];
  for (let rm = 0; rm < 5; rm++) {
    run(op, 100_000, rm); // warm up
    // CPU time rather than wall time: the build machine is shared and often oversubscribed.
    const t0 = process.cpuUsage();
    run(op, n, rm);
    const used = process.cpuUsage(t0);
    const ns = ((used.user + used.system) * 1000) / n;
    cells.push(ns.toFixed(1).padStart(5));
  }
  console.log(`${(names[op] ?? '').padEnd(22)} ${cells.join('  ')}`);
}
