// F and D instruction execution: register file, NaN-boxing, rounding-mode resolution, fflags and
// mstatus.FS. Arithmetic is done by the FPU module (cpu/assembly/fpu/).
import * as S from './state';
import * as Mem from './memory';
import * as F from './fpu/index';
import { illegal, trapPending } from './trap';
import { fpEnabled, fpDirty } from './csr';
import { sext32 } from './muldiv';
import { HS_FCSR } from '../layout/hart-state';

const BOX: u64 = 0xffffffff00000000;
const SIGN32: u32 = 0x80000000;
const SIGN64: u64 = 0x8000000000000000;
const CANONICAL_NAN32: u32 = 0x7fc00000;

/** A single read from a 64-bit f register: improperly boxed values read as the canonical NaN. */
@inline function unbox(r: u32): u32 {
  const v = S.fget(r);
  return (v & BOX) == BOX ? <u32>v : CANONICAL_NAN32;
}
@inline function setS(r: u32, v: u32): void {
  S.fset(r, BOX | <u64>v);
}

/** Resolve the instruction's rm field (7 = dynamic from frm); -1 if invalid. */
function resolveRm(i: u32): i32 {
  let rm = (i >> 12) & 7;
  if (rm == 7) rm = <u32>((S.csrLoad(HS_FCSR) >> 5) & 7);
  return rm > 4 ? -1 : <i32>rm;
}

/** Move the FPU's accumulated exception flags into fcsr.fflags. */
@inline function accrue(): void {
  const flags = F.fpu_take_flags();
  if (flags != 0) S.csrStore(HS_FCSR, S.csrLoad(HS_FCSR) | <u64>flags);
  fpDirty();
}

export function execLoadFp(i: u32): void {
  const f3 = (i >> 12) & 7;
  if (!fpEnabled() || (f3 != 2 && f3 != 3)) {
    illegal();
    return;
  }
  const va = S.xget((i >> 15) & 31) + <u64>(<i64>(<i32>i >> 20));
  const v = f3 == 2 ? BOX | Mem.lwu(va) : Mem.ld(va);
  if (trapPending) return;
  S.fset((i >> 7) & 31, v);
  fpDirty();
}

export function execStoreFp(i: u32): void {
  const f3 = (i >> 12) & 7;
  if (!fpEnabled() || (f3 != 2 && f3 != 3)) {
    illegal();
    return;
  }
  const imm = ((<i32>i >> 25) << 5) | <i32>((i >> 7) & 31);
  const va = S.xget((i >> 15) & 31) + <u64>(<i64>imm);
  const v = S.fget((i >> 20) & 31);
  if (f3 == 2) Mem.sw(va, v);
  else Mem.sd(va, v);
}

/** FMADD/FMSUB/FNMSUB/FNMADD via one fused a*b+c with sign flips. */
export function execFma(i: u32): void {
  const fmt = (i >> 25) & 3;
  const rm = resolveRm(i);
  if (!fpEnabled() || fmt > 1 || rm < 0) {
    illegal();
    return;
  }
  const op = (i >> 2) & 3; // 0 madd, 1 msub, 2 nmsub, 3 nmadd
  const negProduct = op >= 2;
  const negAddend = op == 1 || op == 3;
  const rd = (i >> 7) & 31;
  const rs1 = (i >> 15) & 31;
  const rs2 = (i >> 20) & 31;
  const rs3 = i >> 27;
  if (fmt == 0) {
    const a = unbox(rs1) ^ (negProduct ? SIGN32 : 0);
    const c = unbox(rs3) ^ (negAddend ? SIGN32 : 0);
    setS(rd, F.f32_fma(a, unbox(rs2), c, rm));
  } else {
    const a = S.fget(rs1) ^ (negProduct ? SIGN64 : 0);
    const c = S.fget(rs3) ^ (negAddend ? SIGN64 : 0);
    S.fset(rd, F.f64_fma(a, S.fget(rs2), c, rm));
  }
  accrue();
}

export function execOpFp(i: u32): void {
  if (!fpEnabled()) {
    illegal();
    return;
  }
  const f7 = i >> 25;
  const fmt = f7 & 3;
  if (fmt > 1) {
    illegal();
    return;
  }
  const ok = fmt == 0 ? opSingle(i, f7 >> 2) : opDouble(i, f7 >> 2);
  if (!ok) illegal();
  else accrue();
}

function opSingle(i: u32, op: u32): bool {
  const rd = (i >> 7) & 31;
  const rs1 = (i >> 15) & 31;
  const rs2 = (i >> 20) & 31;
  const f3 = (i >> 12) & 7;
  const a = unbox(rs1);
  const b = unbox(rs2);
  let rm: i32 = 0;
  if (op <= 3 || op == 0x0b || op == 0x08 || op == 0x18 || op == 0x1a) {
    rm = resolveRm(i);
    if (rm < 0) return false;
  }
  switch (op) {
    case 0x00: setS(rd, F.f32_add(a, b, rm)); return true;
    case 0x01: setS(rd, F.f32_sub(a, b, rm)); return true;
    case 0x02: setS(rd, F.f32_mul(a, b, rm)); return true;
    case 0x03: setS(rd, F.f32_div(a, b, rm)); return true;
    case 0x0b:
      if (rs2 != 0) return false;
      setS(rd, F.f32_sqrt(a, rm));
      return true;
    case 0x04: {
      if (f3 > 2) return false;
      const sign = f3 == 0 ? b : f3 == 1 ? ~b : a ^ b;
      setS(rd, (a & ~SIGN32) | (sign & SIGN32));
      return true;
    }
    case 0x05:
      if (f3 > 1) return false;
      setS(rd, f3 == 0 ? F.f32_min(a, b) : F.f32_max(a, b));
      return true;
    case 0x08: // fcvt.s.d
      if (rs2 != 1) return false;
      setS(rd, F.f64_to_f32(S.fget(rs1), rm));
      return true;
    case 0x14: {
      let r: u32;
      if (f3 == 0) r = F.f32_le(a, b);
      else if (f3 == 1) r = F.f32_lt(a, b);
      else if (f3 == 2) r = F.f32_eq(a, b);
      else return false;
      S.xset(rd, <u64>r);
      return true;
    }
    case 0x18: {
      let r: u64;
      if (rs2 == 0) r = <u64>(<i64>F.f32_to_i32(a, rm));
      else if (rs2 == 1) r = <u64>(<i64>F.f32_to_u32(a, rm));
      else if (rs2 == 2) r = <u64>F.f32_to_i64(a, rm);
      else if (rs2 == 3) r = <u64>F.f32_to_u64(a, rm);
      else return false;
      S.xset(rd, r);
      return true;
    }
    case 0x1a: {
      const x = S.xget(rs1);
      let r: u32;
      if (rs2 == 0) r = F.i32_to_f32(<i32>x, rm);
      else if (rs2 == 1) r = F.u32_to_f32(<u32>x, rm);
      else if (rs2 == 2) r = F.i64_to_f32(<i64>x, rm);
      else if (rs2 == 3) r = F.u64_to_f32(x, rm);
      else return false;
      setS(rd, r);
      return true;
    }
    case 0x1c:
      if (rs2 != 0) return false;
      if (f3 == 0) S.xset(rd, sext32(S.fget(rs1))); // fmv.x.w: raw bits, no unboxing
      else if (f3 == 1) S.xset(rd, <u64>F.f32_class(a));
      else return false;
      return true;
    case 0x1e:
      if (rs2 != 0 || f3 != 0) return false;
      setS(rd, <u32>S.xget(rs1));
      return true;
  }
  return false;
}

function opDouble(i: u32, op: u32): bool {
  const rd = (i >> 7) & 31;
  const rs1 = (i >> 15) & 31;
  const rs2 = (i >> 20) & 31;
  const f3 = (i >> 12) & 7;
  const a = S.fget(rs1);
  const b = S.fget(rs2);
  let rm: i32 = 0;
  if (op <= 3 || op == 0x0b || op == 0x18 || op == 0x1a) {
    rm = resolveRm(i);
    if (rm < 0) return false;
  }
  switch (op) {
    case 0x00: S.fset(rd, F.f64_add(a, b, rm)); return true;
    case 0x01: S.fset(rd, F.f64_sub(a, b, rm)); return true;
    case 0x02: S.fset(rd, F.f64_mul(a, b, rm)); return true;
    case 0x03: S.fset(rd, F.f64_div(a, b, rm)); return true;
    case 0x0b:
      if (rs2 != 0) return false;
      S.fset(rd, F.f64_sqrt(a, rm));
      return true;
    case 0x04: {
      if (f3 > 2) return false;
      const sign = f3 == 0 ? b : f3 == 1 ? ~b : a ^ b;
      S.fset(rd, (a & ~SIGN64) | (sign & SIGN64));
      return true;
    }
    case 0x05:
      if (f3 > 1) return false;
      S.fset(rd, f3 == 0 ? F.f64_min(a, b) : F.f64_max(a, b));
      return true;
    case 0x08: // fcvt.d.s (exact: rm is checked for validity but unused)
      if (rs2 != 0 || resolveRm(i) < 0) return false;
      S.fset(rd, F.f32_to_f64(unbox(rs1)));
      return true;
    case 0x14: {
      let r: u32;
      if (f3 == 0) r = F.f64_le(a, b);
      else if (f3 == 1) r = F.f64_lt(a, b);
      else if (f3 == 2) r = F.f64_eq(a, b);
      else return false;
      S.xset(rd, <u64>r);
      return true;
    }
    case 0x18: {
      let r: u64;
      if (rs2 == 0) r = <u64>(<i64>F.f64_to_i32(a, rm));
      else if (rs2 == 1) r = <u64>(<i64>F.f64_to_u32(a, rm));
      else if (rs2 == 2) r = <u64>F.f64_to_i64(a, rm);
      else if (rs2 == 3) r = <u64>F.f64_to_u64(a, rm);
      else return false;
      S.xset(rd, r);
      return true;
    }
    case 0x1a: {
      const x = S.xget(rs1);
      let r: u64;
      if (rs2 == 0) r = F.i32_to_f64(<i32>x, rm);
      else if (rs2 == 1) r = F.u32_to_f64(<u32>x, rm);
      else if (rs2 == 2) r = F.i64_to_f64(<i64>x, rm);
      else if (rs2 == 3) r = F.u64_to_f64(x, rm);
      else return false;
      S.fset(rd, r);
      return true;
    }
    case 0x1c:
      if (rs2 != 0) return false;
      if (f3 == 0) S.xset(rd, a);
      else if (f3 == 1) S.xset(rd, <u64>F.f64_class(a));
      else return false;
      return true;
    case 0x1e:
      if (rs2 != 0 || f3 != 0) return false;
      S.fset(rd, S.xget(rs1));
      return true;
  }
  return false;
}
