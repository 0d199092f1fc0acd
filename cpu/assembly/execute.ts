// Decode and execute one 32-bit instruction (compressed ones arrive already expanded).
// Returns the next pc (`next` = pc + length unless control transfers); raises exceptions
// through trap.raise. SYSTEM instructions may redirect through S.npc (xRET).
import * as S from './state';
import * as Mem from './memory';
import * as MD from './muldiv';
import { illegal, trapPending } from './trap';
import { execAmo } from './atomics';
import { execSystem } from './system';
import { PAUSE, pauseHint } from './pause';
import { execLoadFp, execStoreFp, execFma, execOpFp } from './fp';

@inline function immI(i: u32): u64 {
  return <u64>(<i64>(<i32>i >> 20));
}
@inline function immS(i: u32): u64 {
  return <u64>(<i64>(((<i32>i >> 25) << 5) | <i32>((i >> 7) & 31)));
}
@inline function immB(i: u32): u64 {
  return <u64>(
    <i64>(
      ((<i32>i >> 31) << 12) |
      <i32>(((i >> 7) & 1) << 11) |
      <i32>(((i >> 25) & 63) << 5) |
      <i32>(((i >> 8) & 15) << 1)
    )
  );
}
@inline function immJ(i: u32): u64 {
  return <u64>(
    <i64>(
      ((<i32>i >> 31) << 20) |
      <i32>(i & 0xff000) |
      <i32>(((i >> 20) & 1) << 11) |
      <i32>(((i >> 21) & 1023) << 1)
    )
  );
}

@inline function rget(xb: usize, r: u32): u64 {
  return load<u64>(xb + (<usize>r << 3));
}
@inline function rset(xb: usize, r: u32, v: u64): void {
  store<u64>(xb + (<usize>r << 3), v);
}

export function execute(i: u32, pc: u64, next: u64): u64 {
  const xb = S.xb; // read the register-file base once per instruction
  const rd = (i >> 7) & 31;
  const f3 = (i >> 12) & 7;
  const rs1 = (i >> 15) & 31;
  const rs2 = (i >> 20) & 31;
  switch (i & 0x7f) {
    case 0x03: {
      const va = rget(xb, rs1) + immI(i);
      let v: u64;
      switch (f3) {
        case 0: v = Mem.lb(va); break;
        case 1: v = Mem.lh(va); break;
        case 2: v = Mem.lw(va); break;
        case 3: v = Mem.ld(va); break;
        case 4: v = Mem.lbu(va); break;
        case 5: v = Mem.lhu(va); break;
        case 6: v = Mem.lwu(va); break;
        default: illegal(); return next;
      }
      if (!trapPending) rset(xb, rd, v);
      return next;
    }
    case 0x23: {
      const va = rget(xb, rs1) + immS(i);
      const v = rget(xb, rs2);
      switch (f3) {
        case 0: Mem.sb(va, v); return next;
        case 1: Mem.sh(va, v); return next;
        case 2: Mem.sw(va, v); return next;
        case 3: Mem.sd(va, v); return next;
      }
      illegal();
      return next;
    }
    case 0x13: {
      const a = rget(xb, rs1);
      const imm = immI(i);
      let v: u64;
      switch (f3) {
        case 0: v = a + imm; break;
        case 1:
          if ((i >> 26) != 0) { illegal(); return next; }
          v = a << (imm & 63);
          break;
        case 2: v = <i64>a < <i64>imm ? 1 : 0; break;
        case 3: v = a < imm ? 1 : 0; break;
        case 4: v = a ^ imm; break;
        case 5: {
          const top = i >> 26;
          if (top == 0) v = a >> (imm & 63);
          else if (top == 0x10) v = <u64>(<i64>a >> <i64>(imm & 63));
          else { illegal(); return next; }
          break;
        }
        case 6: v = a | imm; break;
        default: v = a & imm; break;
      }
      rset(xb, rd, v);
      return next;
    }
    case 0x1b: {
      const a = rget(xb, rs1);
      let v: u32;
      const sh = rs2;
      switch (f3) {
        case 0: v = <u32>(a + immI(i)); break;
        case 1:
          if ((i >> 25) != 0) { illegal(); return next; }
          v = <u32>a << sh;
          break;
        case 5:
          if ((i >> 25) == 0) v = <u32>a >> sh;
          else if ((i >> 25) == 0x20) v = <u32>(<i32>a >> sh);
          else { illegal(); return next; }
          break;
        default: illegal(); return next;
      }
      rset(xb, rd, MD.sext32(<u64>v));
      return next;
    }
    case 0x33: {
      const a = rget(xb, rs1);
      const b = rget(xb, rs2);
      const f7 = i >> 25;
      let v: u64;
      if (f7 == 0) {
        switch (f3) {
          case 0: v = a + b; break;
          case 1: v = a << (b & 63); break;
          case 2: v = <i64>a < <i64>b ? 1 : 0; break;
          case 3: v = a < b ? 1 : 0; break;
          case 4: v = a ^ b; break;
          case 5: v = a >> (b & 63); break;
          case 6: v = a | b; break;
          default: v = a & b; break;
        }
      } else if (f7 == 0x20) {
        if (f3 == 0) v = a - b;
        else if (f3 == 5) v = <u64>(<i64>a >> <i64>(b & 63));
        else { illegal(); return next; }
      } else if (f7 == 1) {
        switch (f3) {
          case 0: v = a * b; break;
          case 1: v = MD.mulh(a, b); break;
          case 2: v = MD.mulhsu(a, b); break;
          case 3: v = MD.mulhu(a, b); break;
          case 4: v = MD.div(a, b); break;
          case 5: v = MD.divu(a, b); break;
          case 6: v = MD.rem(a, b); break;
          default: v = MD.remu(a, b); break;
        }
      } else {
        illegal();
        return next;
      }
      rset(xb, rd, v);
      return next;
    }
    case 0x3b: {
      const a = rget(xb, rs1);
      const b = rget(xb, rs2);
      const f7 = i >> 25;
      let v: u64;
      if (f7 == 0) {
        if (f3 == 0) v = MD.sext32(a + b);
        else if (f3 == 1) v = MD.sext32(<u64>(<u32>a << (<u32>b & 31)));
        else if (f3 == 5) v = MD.sext32(<u64>(<u32>a >> (<u32>b & 31)));
        else { illegal(); return next; }
      } else if (f7 == 0x20) {
        if (f3 == 0) v = MD.sext32(a - b);
        else if (f3 == 5) v = MD.sext32(<u64>(<i32>a >> (<i32>b & 31)));
        else { illegal(); return next; }
      } else if (f7 == 1) {
        switch (f3) {
          case 0: v = MD.sext32(<u64>(<u32>a * <u32>b)); break;
          case 4: v = MD.divw(a, b); break;
          case 5: v = MD.divuw(a, b); break;
          case 6: v = MD.remw(a, b); break;
          case 7: v = MD.remuw(a, b); break;
          default: illegal(); return next;
        }
      } else {
        illegal();
        return next;
      }
      rset(xb, rd, v);
      return next;
    }
    case 0x37:
      rset(xb, rd, <u64>(<i64>(<i32>(i & 0xfffff000))));
      return next;
    case 0x17:
      rset(xb, rd, pc + <u64>(<i64>(<i32>(i & 0xfffff000))));
      return next;
    case 0x6f:
      rset(xb, rd, next);
      return pc + immJ(i);
    case 0x67: {
      if (f3 != 0) { illegal(); return next; }
      const target = (rget(xb, rs1) + immI(i)) & ~(<u64>1);
      rset(xb, rd, next);
      return target;
    }
    case 0x63: {
      const a = rget(xb, rs1);
      const b = rget(xb, rs2);
      let taken: bool;
      switch (f3) {
        case 0: taken = a == b; break;
        case 1: taken = a != b; break;
        case 4: taken = <i64>a < <i64>b; break;
        case 5: taken = <i64>a >= <i64>b; break;
        case 6: taken = a < b; break;
        case 7: taken = a >= b; break;
        default: illegal(); return next;
      }
      return taken ? pc + immB(i) : next;
    }
    case 0x0f:
      // FENCE orders nothing extra here (every access is sequentially consistent in WASM).
      // FENCE.I: fetch reads guest RAM directly and the decode cache is keyed by content; only
      // pages the JIT may have read under another hart's store are left (memory.ts).
      if (f3 > 1) illegal();
      else if (f3 == 1) Mem.fenceInstructions();
      else if (i == PAUSE) pauseHint();
      return next;
    case 0x2f:
      execAmo(i);
      return next;
    case 0x73:
      S.npc = next;
      execSystem(i);
      return S.npc;
    case 0x07:
      execLoadFp(i);
      return next;
    case 0x27:
      execStoreFp(i);
      return next;
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
      execFma(i);
      return next;
    case 0x53:
      execOpFp(i);
      return next;
  }
  illegal();
  return next;
}
