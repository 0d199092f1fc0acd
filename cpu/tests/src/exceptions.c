/* Synchronous exceptions taken in M-mode: cause, mepc, mtval and previous privilege for each. */
#include "test.h"

#define UNMAPPED 0x0d000000ul

static u64 pc_of_next;

/* Executes `insn` at a recorded pc (pc_of_next) so the test can compare mepc. */
#define AT_PC(insn)                                                                                \
  asm volatile("lla t0, 1f\nsd t0, %0\n1: " insn : "=m"(pc_of_next)::"t0", "a7", "memory")

static u64 do_ecall(u64 _) {
  (void)_;
  asm volatile("li a7, 0\nlla t0, 1f\nsd t0, %0\n1: ecall" : "=m"(pc_of_next)::"t0", "a7", "memory");
  return 0;
}
static u64 do_mret(u64 _) {
  (void)_;
  AT_PC("mret");
  return 0;
}
static u64 do_sret(u64 _) {
  (void)_;
  AT_PC("sret");
  return 0;
}
static u64 do_wfi(u64 _) {
  (void)_;
  AT_PC("wfi");
  return 0;
}
static u64 do_sfence(u64 _) {
  (void)_;
  AT_PC("sfence.vma");
  return 0;
}
static u64 do_satp(u64 _) {
  u64 v;
  (void)_;
  asm volatile("lla t0, 1f\nsd t0, %1\n1: csrr %0, satp" : "=r"(v), "=m"(pc_of_next)::"t0");
  return v;
}
static u64 do_mcsr(u64 _) {
  u64 v;
  (void)_;
  asm volatile("lla t0, 1f\nsd t0, %1\n1: csrr %0, mscratch" : "=r"(v), "=m"(pc_of_next)::"t0");
  return v;
}
static u64 do_scsr(u64 _) {
  u64 v;
  (void)_;
  asm volatile("lla t0, 1f\nsd t0, %1\n1: csrr %0, sscratch" : "=r"(v), "=m"(pc_of_next)::"t0");
  return v;
}
static u64 do_ebreak(u64 _) {
  (void)_;
  AT_PC(".option push\n.option norvc\nebreak\n.option pop");
  return 0;
}

/* Runs fn in `mode` expecting one M-mode trap with `cause` at pc_of_next. */
static void expect_in_mode(u64 mode, u64 (*fn)(u64), u64 cause, int line) {
  trap_arm(&mtrap);
  enter_mode(mode, fn, 0);
  mtrap.armed = 0;
  if (mtrap.count != 1 || mtrap.cause != cause || mtrap.epc != pc_of_next ||
      mtrap.prev_mode != mode) {
    check_fail(line, "trap in lower mode", mtrap.cause, cause, 1);
    puts("   count=");
    print_dec(mtrap.count);
    puts(" epc=");
    print_hex(mtrap.epc);
    puts(" want epc=");
    print_hex(pc_of_next);
    puts(" mode=");
    print_dec(mtrap.prev_mode);
    putch('\n');
  }
}
#define EXPECT_IN_MODE(mode, fn, cause) expect_in_mode(mode, fn, cause, __LINE__)

static void expect_no_trap(u64 mode, u64 (*fn)(u64), int line) {
  trap_arm(&mtrap);
  enter_mode(mode, fn, 0);
  mtrap.armed = 0;
  if (mtrap.count != 0) check_fail(line, "unexpected trap", mtrap.cause, 0, 1);
}

int main(void) {
  section("ecall from M, S, U");
  trap_arm(&mtrap);
  AT_PC("ecall");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.cause, CAUSE_MACHINE_ECALL);
  CHECK_EQ(mtrap.epc, pc_of_next);
  CHECK_EQ(mtrap.tval, 0);
  CHECK_EQ(mtrap.prev_mode, PRV_M);
  EXPECT_IN_MODE(PRV_S, do_ecall, CAUSE_SUPERVISOR_ECALL);
  EXPECT_IN_MODE(PRV_U, do_ecall, CAUSE_USER_ECALL);

  section("ebreak");
  trap_arm(&mtrap);
  AT_PC(".option push\n.option norvc\nebreak\n.option pop");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.cause, CAUSE_BREAKPOINT);
  CHECK_EQ(mtrap.epc, pc_of_next);
  CHECK(mtrap.tval == 0 || mtrap.tval == pc_of_next);
  EXPECT_IN_MODE(PRV_U, do_ebreak, CAUSE_BREAKPOINT);

  section("illegal instructions");
  trap_arm(&mtrap);
  AT_PC(".word 0xffffffff");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK_EQ(mtrap.epc, pc_of_next);
  CHECK(mtrap.tval == 0 || mtrap.tval == 0xffffffff);
  trap_arm(&mtrap);
  AT_PC(".word 0x0000707f"); /* major opcode 0x7f: reserved (>= 80-bit encodings) */
  mtrap.armed = 0;
  CHECK_EQ(mtrap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  trap_arm(&mtrap);
  AT_PC(".word 0x40001033"); /* OP funct7 = 0x20 with funct3 = 1 (no such "sub-sll") */
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(mtrap.cause, CAUSE_ILLEGAL_INSTRUCTION);

  section("privileged instructions in the wrong mode");
  EXPECT_IN_MODE(PRV_S, do_mret, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_IN_MODE(PRV_U, do_mret, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_IN_MODE(PRV_U, do_sret, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_IN_MODE(PRV_S, do_mcsr, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_IN_MODE(PRV_U, do_scsr, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_IN_MODE(PRV_U, do_sfence, CAUSE_ILLEGAL_INSTRUCTION);
  expect_no_trap(PRV_S, do_scsr, __LINE__);

  section("mstatus.TSR: sret in S traps");
  csr_set(mstatus, MSTATUS_TSR);
  EXPECT_IN_MODE(PRV_S, do_sret, CAUSE_ILLEGAL_INSTRUCTION);
  csr_clear(mstatus, MSTATUS_TSR);

  section("mstatus.TW: wfi in S traps");
  csr_set(mstatus, MSTATUS_TW);
  EXPECT_IN_MODE(PRV_S, do_wfi, CAUSE_ILLEGAL_INSTRUCTION);
  csr_clear(mstatus, MSTATUS_TW);

  section("mstatus.TVM: sfence.vma and satp in S trap");
  expect_no_trap(PRV_S, do_sfence, __LINE__);
  expect_no_trap(PRV_S, do_satp, __LINE__);
  csr_set(mstatus, MSTATUS_TVM);
  EXPECT_IN_MODE(PRV_S, do_sfence, CAUSE_ILLEGAL_INSTRUCTION);
  EXPECT_IN_MODE(PRV_S, do_satp, CAUSE_ILLEGAL_INSTRUCTION);
  csr_clear(mstatus, MSTATUS_TVM);

  section("load/store/fetch access faults on unmapped physical addresses");
  u64 v;
  EXPECT_MTRAP(v = MMIO64(UNMAPPED), CAUSE_LOAD_ACCESS, UNMAPPED);
  EXPECT_MTRAP(v = *(volatile u8 *)(UNMAPPED + 3), CAUSE_LOAD_ACCESS, UNMAPPED + 3);
  EXPECT_MTRAP(MMIO32(UNMAPPED + 8) = 1, CAUSE_STORE_ACCESS, UNMAPPED + 8);
  EXPECT_MTRAP(v = MMIO64(0x90000000ul), CAUSE_LOAD_ACCESS, 0x90000000ul); /* beyond RAM */
  EXPECT_MTRAP(MMIO64(0x90000000ul) = 5, CAUSE_STORE_ACCESS, 0x90000000ul);
  (void)v;
  trap_arm(&mtrap);
  asm volatile("jalr ra, 0(%0)" ::"r"(UNMAPPED + 0x40) : "ra", "memory");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(mtrap.cause, CAUSE_FETCH_ACCESS);
  CHECK_EQ(mtrap.epc, UNMAPPED + 0x40);
  CHECK_EQ(mtrap.tval, UNMAPPED + 0x40);

  section("misaligned loads/stores: either done or trapped with the address");
  static volatile u64 words[2];
  words[0] = 0x0807060504030201;
  words[1] = 0x100f0e0d0c0b0a09;
  u64 odd = (u64)words + 3;
  trap_arm(&mtrap);
  asm volatile("ld %0, 0(%1)" : "=r"(v) : "r"(odd) : "memory");
  mtrap.armed = 0;
  if (mtrap.count) {
    CHECK_EQ(mtrap.cause, CAUSE_MISALIGNED_LOAD);
    CHECK_EQ(mtrap.tval, odd);
  } else {
    CHECK_EQ(v, 0x0b0a090807060504);
  }
  trap_arm(&mtrap);
  asm volatile("sw %0, 0(%1)" ::"r"(0xaabbccddul), "r"(odd) : "memory");
  mtrap.armed = 0;
  if (mtrap.count) {
    CHECK_EQ(mtrap.cause, CAUSE_MISALIGNED_STORE);
    CHECK_EQ(mtrap.tval, odd);
  } else {
    CHECK_EQ(words[0], 0x08aabbccdd030201);
  }

  section("trap state: MPIE/MIE stacking and mret restore");
  csr_set(mstatus, MSTATUS_MIE);
  csr_write(mie, 0);
  trap_arm(&mtrap);
  asm volatile("ecall" ::: "memory");
  mtrap.armed = 0;
  CHECK(csr_read(mstatus) & MSTATUS_MIE);
  csr_clear(mstatus, MSTATUS_MIE);
  return test_result();
}
