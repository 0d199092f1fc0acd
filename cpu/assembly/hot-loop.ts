// The interpreter's inner loop: fetch, look the bits up in the decode cache, dispatch on the dense
// op index. Common integer instructions run right here; the rest go through execute().
//
// pc, the current fetch page and the register-file base live in locals. S.pc is written before
// anything that can read it (loads/stores reach MMIO hooks, execute(), trap entry). Whatever
// changes the fetch page, privilege or TLB sets S.attention (mmu.onPrivilegeChange), which ends
// the chunk, so the cached locals are never stale.
import * as S from './state';
import * as Mem from './memory';
import * as M from './mmu';
import * as D from './decode-cache';
import * as MD from './muldiv';
import { execute } from './execute';
import { execLoadFp, execStoreFp, execFma, execOpFp } from './fp';
import { fetchSlow } from './memory';
import { heatCounter, creditHeat, HEAT_HOT } from './branch-heat';
import { trapPending, takePendingException, illegal } from './trap';

const PAGE_MASK: u64 = ~(<u64>0xfff);

@inline function rget(xb: usize, r: u32): u64 {
  return load<u64>(xb + (<usize>r << 3));
}
@inline function rset(xb: usize, r: u32, v: u64): void {
  store<u64>(xb + (<usize>r << 3), v);
}
@inline function sext32(v: u64): u64 {
  return <u64>(<i64>(<i32>v));
}

/** Execute up to `n` instructions; returns how many loop iterations ran (retired or trapped). */
export function runChunk(n: i32): i32 {
  S.attention = false;
  const xb = S.xb;
  const table = D.decodeTable(S.hartId);
  let pc = S.pc;
  let page = M.fetchPage;
  let delta = M.fetchDelta;
  let done = 0;
  const heatLimit = S.heatLimit; // 0: not counting (run(), or the JIT off)
  // instret is counted in a local and added to S.instret before execute() (CSR reads and writes
  // of instret happen there) and at the end of the chunk.
  let retired = 0;
  while (done < n) {
    done++;
    let raw: u32;
    if ((pc & PAGE_MASK) == page && (pc & 0xfff) != 0xffe) {
      // One 32-bit load covers both lengths; a compressed instruction uses the low half only.
      const word = load<u32>(<usize>(pc + delta));
      raw = (word & 3) == 3 ? word : word & 0xffff;
    } else {
      S.pc = pc; // the fault's epc
      raw = fetchSlow(pc);
      if (trapPending) {
        takePendingException();
        pc = S.pc;
        break;
      }
      page = M.fetchPage;
      delta = M.fetchDelta;
      if (S.stopAtKnownCode && done > 1 && Mem.codePageMarked(<usize>(pc + delta))) {
        done--; // not run: the JIT dispatcher looks this pc up first
        S.reachedKnownCode = true;
        break;
      }
      // Control entered another page, or a batch starts (jit_interpret resets the fetch page):
      // a run starts at this target; a hot one is not run here, the dispatcher translates it
      // (or runs its translation) — also where a region's side exit starts a batch.
      if (heatLimit != 0) {
        if (S.heatRun != 0) creditHeat(S.heatRun, <u32>(done - 1 - S.heatRunStart), heatLimit);
        S.heatRun = heatCounter(<usize>(pc + delta), heatLimit);
        S.heatRunStart = done - 1;
        if (S.heatRun == HEAT_HOT) {
          S.heatRun = 0;
          done--;
          S.reachedHot = true;
          break;
        }
      }
    }
    const e = D.lookup(table, raw);
    const fields = load<u32>(e, 4);
    const rd = (fields >> 8) & 31;
    const rs1 = (fields >> 16) & 31;
    const rs2 = fields >> 24;
    const imm = <u64>(<i64>load<i32>(e, 8));
    const next = pc + ((raw & 3) == 3 ? 4 : 2);
    let npc = next;
    let mayTrap = false; // only memory accesses and execute() can trap or set S.attention
    switch (fields & 0xff) {
      case D.OP_ADDI: rset(xb, rd, rget(xb, rs1) + imm); break;
      case D.OP_SLLI: rset(xb, rd, rget(xb, rs1) << imm); break;
      case D.OP_SLTI: rset(xb, rd, <i64>rget(xb, rs1) < <i64>imm ? 1 : 0); break;
      case D.OP_SLTIU: rset(xb, rd, rget(xb, rs1) < imm ? 1 : 0); break;
      case D.OP_XORI: rset(xb, rd, rget(xb, rs1) ^ imm); break;
      case D.OP_SRLI: rset(xb, rd, rget(xb, rs1) >> imm); break;
      case D.OP_ORI: rset(xb, rd, rget(xb, rs1) | imm); break;
      case D.OP_ANDI: rset(xb, rd, rget(xb, rs1) & imm); break;
      case D.OP_SRAI: rset(xb, rd, <u64>(<i64>rget(xb, rs1) >> <i64>imm)); break;
      case D.OP_ADD: rset(xb, rd, rget(xb, rs1) + rget(xb, rs2)); break;
      case D.OP_SLL: rset(xb, rd, rget(xb, rs1) << (rget(xb, rs2) & 63)); break;
      case D.OP_SLT: rset(xb, rd, <i64>rget(xb, rs1) < <i64>rget(xb, rs2) ? 1 : 0); break;
      case D.OP_SLTU: rset(xb, rd, rget(xb, rs1) < rget(xb, rs2) ? 1 : 0); break;
      case D.OP_XOR: rset(xb, rd, rget(xb, rs1) ^ rget(xb, rs2)); break;
      case D.OP_SRL: rset(xb, rd, rget(xb, rs1) >> (rget(xb, rs2) & 63)); break;
      case D.OP_OR: rset(xb, rd, rget(xb, rs1) | rget(xb, rs2)); break;
      case D.OP_AND: rset(xb, rd, rget(xb, rs1) & rget(xb, rs2)); break;
      case D.OP_SUB: rset(xb, rd, rget(xb, rs1) - rget(xb, rs2)); break;
      case D.OP_SRA:
        rset(xb, rd, <u64>(<i64>rget(xb, rs1) >> <i64>(rget(xb, rs2) & 63)));
        break;
      case D.OP_MUL: rset(xb, rd, rget(xb, rs1) * rget(xb, rs2)); break;
      case D.OP_MULH: rset(xb, rd, MD.mulh(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_MULHSU: rset(xb, rd, MD.mulhsu(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_MULHU: rset(xb, rd, MD.mulhu(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_DIV: rset(xb, rd, MD.div(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_DIVU: rset(xb, rd, MD.divu(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_REM: rset(xb, rd, MD.rem(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_REMU: rset(xb, rd, MD.remu(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_DIVW: rset(xb, rd, MD.divw(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_DIVUW: rset(xb, rd, MD.divuw(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_REMW: rset(xb, rd, MD.remw(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_REMUW: rset(xb, rd, MD.remuw(rget(xb, rs1), rget(xb, rs2))); break;
      case D.OP_ADDIW: rset(xb, rd, sext32(rget(xb, rs1) + imm)); break;
      case D.OP_SLLIW: rset(xb, rd, sext32(<u64>(<u32>rget(xb, rs1) << <u32>imm))); break;
      case D.OP_SRLIW: rset(xb, rd, sext32(<u64>(<u32>rget(xb, rs1) >> <u32>imm))); break;
      case D.OP_SRAIW: rset(xb, rd, sext32(<u64>(<i32>rget(xb, rs1) >> <i32>imm))); break;
      case D.OP_ADDW: rset(xb, rd, sext32(rget(xb, rs1) + rget(xb, rs2))); break;
      case D.OP_SUBW: rset(xb, rd, sext32(rget(xb, rs1) - rget(xb, rs2))); break;
      case D.OP_SLLW:
        rset(xb, rd, sext32(<u64>(<u32>rget(xb, rs1) << (<u32>rget(xb, rs2) & 31))));
        break;
      case D.OP_SRLW:
        rset(xb, rd, sext32(<u64>(<u32>rget(xb, rs1) >> (<u32>rget(xb, rs2) & 31))));
        break;
      case D.OP_SRAW:
        rset(xb, rd, sext32(<u64>(<i32>rget(xb, rs1) >> (<i32>rget(xb, rs2) & 31))));
        break;
      case D.OP_MULW: rset(xb, rd, sext32(<u64>(<u32>rget(xb, rs1) * <u32>rget(xb, rs2)))); break;
      case D.OP_LUI: rset(xb, rd, imm); break;
      case D.OP_AUIPC: rset(xb, rd, pc + imm); break;
      case D.OP_JAL:
        rset(xb, rd, next);
        npc = pc + imm;
        break;
      case D.OP_JALR:
        npc = (rget(xb, rs1) + imm) & ~(<u64>1); // before writing rd: rd may be rs1
        rset(xb, rd, next);
        break;
      case D.OP_BEQ: if (rget(xb, rs1) == rget(xb, rs2)) npc = pc + imm; break;
      case D.OP_BNE: if (rget(xb, rs1) != rget(xb, rs2)) npc = pc + imm; break;
      case D.OP_BLT: if (<i64>rget(xb, rs1) < <i64>rget(xb, rs2)) npc = pc + imm; break;
      case D.OP_BGE: if (<i64>rget(xb, rs1) >= <i64>rget(xb, rs2)) npc = pc + imm; break;
      case D.OP_BLTU: if (rget(xb, rs1) < rget(xb, rs2)) npc = pc + imm; break;
      case D.OP_BGEU: if (rget(xb, rs1) >= rget(xb, rs2)) npc = pc + imm; break;
      case D.OP_LB: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.lb(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_LH: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.lh(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_LW: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.lw(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_LD: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.ld(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_LBU: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.lbu(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_LHU: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.lhu(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_LWU: {
        S.pc = pc;
        mayTrap = true;
        const v = Mem.lwu(rget(xb, rs1) + imm);
        if (!trapPending) rset(xb, rd, v);
        break;
      }
      case D.OP_SB: S.pc = pc; mayTrap = true; Mem.sb(rget(xb, rs1) + imm, rget(xb, rs2)); break;
      case D.OP_SH: S.pc = pc; mayTrap = true; Mem.sh(rget(xb, rs1) + imm, rget(xb, rs2)); break;
      case D.OP_SW: S.pc = pc; mayTrap = true; Mem.sw(rget(xb, rs1) + imm, rget(xb, rs2)); break;
      case D.OP_SD: S.pc = pc; mayTrap = true; Mem.sd(rget(xb, rs1) + imm, rget(xb, rs2)); break;
      case D.OP_FP_LOAD:
      case D.OP_FP_STORE:
      case D.OP_FP_FMA:
      case D.OP_FP_OP: {
        // fp.ts raises illegal-instruction itself (FS off, bad rm or format): it needs rawInst.
        const inst = load<u32>(e, 12);
        S.pc = pc;
        S.rawInst = raw;
        mayTrap = true;
        const op = fields & 0xff;
        if (op == D.OP_FP_OP) execOpFp(inst);
        else if (op == D.OP_FP_FMA) execFma(inst);
        else if (op == D.OP_FP_LOAD) execLoadFp(inst);
        else execStoreFp(inst);
        break;
      }
      default: {
        const inst = load<u32>(e, 12);
        S.pc = pc;
        S.rawInst = raw;
        S.instret += <u64>retired;
        retired = 0;
        mayTrap = true;
        if (inst == 0) illegal();
        else npc = execute(inst, pc, next);
      }
    }
    store<u64>(xb, 0); // x0 stays zero whatever was written to it
    if (mayTrap && trapPending) {
      S.pc = pc;
      takePendingException();
      pc = S.pc;
      break;
    }
    pc = npc;
    retired++;
    if (mayTrap && S.attention) break;
    if (npc != next) {
      // A taken branch or jump inside the page (targets in other pages are counted at their
      // fetch, above): the run that led here is credited to its target; a hot new target ends
      // the chunk before it runs.
      if (heatLimit != 0 && !mayTrap && (npc & PAGE_MASK) == page) {
        if (S.heatRun != 0) creditHeat(S.heatRun, <u32>(done - S.heatRunStart), heatLimit);
        S.heatRun = heatCounter(<usize>(npc + delta), heatLimit);
        S.heatRunStart = done;
        if (S.heatRun == HEAT_HOT) {
          S.heatRun = 0;
          S.reachedHot = true;
          break;
        }
      }
      if (S.stopAfterTransfer) break;
    }
  }
  if (S.heatRun != 0) {
    // The run goes on in the next chunk of this batch: credit what ran here.
    creditHeat(S.heatRun, <u32>(done - S.heatRunStart), heatLimit);
    S.heatRunStart = 0;
  }
  S.instret += <u64>retired;
  S.pc = pc;
  return done;
}
