// Direct region-to-region transfers. A region leaving with JIT_STATUS_END (a jump or branch out
// of it, a return) looks its next pc up the way the dispatcher would — same page: a constant
// wasm page; another page: the hart's fetch TLB; then the hart's hash — and, if a translated
// block is there and budget is left, tail-calls it instead of returning: through the
// dispatcher's export `chain` (imported as env.chain), which tail-calls the table slot. A region
// importing the table itself would cost ≈ 200 µs more to instantiate (V8 sets up its view of the
// whole table), against ≈ 10 µs.
// Guest state is already in memory (the epilogue wrote it), so the callee starts exactly as if
// the dispatcher had called it; what is saved is the dispatcher's turn (poll and budget
// bookkeeping, TLB and hash in a loop that returns to WASM's caller each time). Anything else
// returns: budget used up (interrupt polls stay on time), a code write seen by any hart
// (JIT_CODE_GENERATION moved: the dispatcher drops stale pages first), no translation there.
import { Atomic, Mem, Op, ValType } from '../wasm-emitter';
import { HS_TLB_FETCH } from '../../layout/hart-state';
import { JIT_CODE_GENERATION } from '../jit-layout';
import {
  ENTRY_BITS,
  HASH_MULTIPLIER,
  HDR_GENERATION,
  type DispatchArea,
} from '../dispatch/dispatch-layout';
import { EmitContext, PARAM_BUDGET, PARAM_FETCH_KEY, PARAM_HB, PARAM_KEY } from './emit-context';

/** What a region needs to find its successors: the hart's hash and the region's page. */
export interface RegionChain {
  /** The hart's dispatch area (hash and header). */
  area: DispatchArea;
  /** Wasm address of the 4 KiB page the region's code is in. */
  wasmPage: number;
}

const PAGE_MASK = ~0xfffn;

/** Emits, after the epilogue's write-back, the tail call to the translated successor if there
 * is one and the return of the status otherwise. `chainFunction`: the index of env.chain. */
export function emitChainOrReturn(c: EmitContext, chain: RegionChain, chainFunction: number): void {
  const b = c.b;
  const { area } = chain;
  b.localGet(c.status).op(Op.i32_eqz);
  b.localGet(PARAM_BUDGET).localGet(c.exitRetired).op(Op.i32_gt_u, Op.i32_and).if();
  b.i32Const(0).atomic(Atomic.i32_load, JIT_CODE_GENERATION);
  b.i32Const(0)
    .mem(Mem.i32_load, area.header + HDR_GENERATION)
    .op(Op.i32_eq)
    .if();
  // Wasm address of the next pc (0 if the fetch TLB does not know its page).
  b.localGet(c.exitPc).i64Const(PAGE_MASK).op(Op.i64_and).localGet(c.base).op(Op.i64_eq);
  b.if(ValType.i32);
  b.localGet(c.exitPc).op(Op.i32_wrap_i64).i32Const(0xfff).op(Op.i32_and);
  b.i32Const(chain.wasmPage).op(Op.i32_add);
  b.else();
  b.localGet(c.exitPc).i64Const(8n).op(Op.i64_shr_u, Op.i32_wrap_i64).i32Const(0xff0);
  b.op(Op.i32_and)
    .localTee(c.entry)
    .mem(Mem.i64_load, c.hb + HS_TLB_FETCH);
  b.localGet(c.exitPc).i64Const(PAGE_MASK).op(Op.i64_and);
  b.localGet(PARAM_FETCH_KEY).op(Op.i64_extend_i32_u, Op.i64_or, Op.i64_eq).if(ValType.i32);
  b.localGet(c.exitPc).op(Op.i32_wrap_i64).localGet(c.entry);
  b.mem(Mem.i32_load, c.hb + HS_TLB_FETCH + 8).op(Op.i32_add);
  b.else().i32Const(0).end();
  b.end();
  b.localTee(c.addr);
  // Its hash entry (a wasm pc below guest RAM matches no key; an empty entry has value 0).
  b.i32Const(1).op(Op.i32_shr_u).i32Const(HASH_MULTIPLIER).op(Op.i32_mul);
  b.i32Const(32 - area.bits)
    .op(Op.i32_shr_u)
    .i32Const(3)
    .op(Op.i32_shl)
    .localTee(c.page);
  b.mem(Mem.i32_load, area.entries).localGet(c.addr).op(Op.i32_eq).if();
  b.localGet(c.page)
    .mem(Mem.i32_load, area.entries + 4)
    .localTee(c.a32);
  b.i32Const(0).op(Op.i32_gt_s).if();
  b.localGet(PARAM_HB).localGet(PARAM_KEY);
  b.localGet(PARAM_BUDGET).localGet(c.exitRetired).op(Op.i32_sub);
  b.localGet(c.a32)
    .i32Const((1 << ENTRY_BITS) - 1)
    .op(Op.i32_and);
  b.localGet(PARAM_FETCH_KEY);
  b.localGet(c.a32).i32Const(ENTRY_BITS).op(Op.i32_shr_u);
  b.returnCall(chainFunction);
  b.end().end().end().end();
  b.localGet(c.status);
}
