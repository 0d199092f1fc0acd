/* mret/sret state changes: xIE <- xPIE, xPIE <- 1, xPP <- U, MPRV cleared when leaving M. */
#include "test.h"

static u64 nothing(u64 _) {
  (void)_;
  return 0;
}

/* In S-mode: sret to the next instruction with SPP = S, SPIE = 0; returns sstatus afterwards. */
static u64 s_sret_self(u64 _) {
  u64 after;
  (void)_;
  asm volatile("li t0, %1\ncsrs sstatus, t0\nli t0, %2\ncsrc sstatus, t0\n"
               "lla t0, 1f\ncsrw sepc, t0\nsret\n1: csrr %0, sstatus"
               : "=r"(after)
               : "i"(MSTATUS_SPP | MSTATUS_SIE), "i"(MSTATUS_SPIE)
               : "t0", "memory");
  return after;
}

int main(void) {
  section("mret into S: MIE <- MPIE, MPRV cleared, mode S");
  csr_write(mie, 0);
  csr_clear(mstatus, MSTATUS_MIE);
  csr_set(mstatus, MSTATUS_MPIE | MSTATUS_MPRV);
  /* enter_mode's mret to S must clear MPRV and set MIE from MPIE; the ecall back stores that MIE
     in MPIE and the handler's mret (to M) moves it back to MIE: so MIE afterwards = MPIE before. */
  enter_mode(PRV_S, nothing, 0);
  u64 ms = csr_read(mstatus);
  /* QEMU 7.2 does not clear MPRV on an mret to a lower mode (privileged spec 1.12 requires it). */
  if (!is_qemu_7_2()) CHECK_EQ(ms & MSTATUS_MPRV, 0);
  csr_clear(mstatus, MSTATUS_MPRV);
  CHECK(ms & MSTATUS_MIE);
  CHECK(ms & MSTATUS_MPIE);
  csr_clear(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
  enter_mode(PRV_U, nothing, 0);
  ms = csr_read(mstatus);
  CHECK_EQ(ms & MSTATUS_MIE, 0);
  CHECK(ms & MSTATUS_MPIE);

  section("mret staying in M: MPP <- U, MIE <- MPIE, MPIE <- 1");
  csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
  csr_clear(mstatus, MSTATUS_MIE);
  asm volatile("lla t0, 1f\ncsrw mepc, t0\nmret\n1:" ::: "t0", "memory");
  ms = csr_read(mstatus);
  CHECK_EQ(ms & MSTATUS_MPP, 0);
  CHECK(ms & MSTATUS_MIE);
  CHECK(ms & MSTATUS_MPIE);
  csr_clear(mstatus, MSTATUS_MIE);
  csr_clear(mstatus, MSTATUS_MPIE);
  asm volatile("li t0, %0\ncsrs mstatus, t0\nlla t0, 1f\ncsrw mepc, t0\nmret\n1:" ::"i"(
                   MSTATUS_MPP)
               : "t0", "memory");
  ms = csr_read(mstatus);
  CHECK_EQ(ms & MSTATUS_MIE, 0);
  CHECK(ms & MSTATUS_MPIE);

  section("mret with MPP = M keeps MPRV");
  asm volatile("li t0, %0\ncsrs mstatus, t0\nlla t0, 1f\ncsrw mepc, t0\nmret\n1:" ::"i"(
                   MSTATUS_MPP | MSTATUS_MPRV)
               : "t0", "memory");
  ms = csr_read(mstatus);
  csr_clear(mstatus, MSTATUS_MPRV);
  CHECK(ms & MSTATUS_MPRV);

  section("sret: SIE <- SPIE, SPIE <- 1, SPP <- U");
  u64 ss = enter_mode(PRV_S, s_sret_self, 0);
  CHECK_EQ(ss & MSTATUS_SPP, 0);
  CHECK_EQ(ss & MSTATUS_SIE, 0);
  CHECK(ss & MSTATUS_SPIE);

  section("trap entry: MPP/MPIE record the interrupted mode and MIE");
  csr_set(mstatus, MSTATUS_MIE);
  trap_arm(&mtrap);
  asm volatile("ebreak" ::: "memory");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.prev_mode, PRV_M);
  CHECK(csr_read(mstatus) & MSTATUS_MIE); /* restored from MPIE by the handler's mret */
  csr_clear(mstatus, MSTATUS_MIE);
  return test_result();
}
