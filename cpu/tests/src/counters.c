/* Zicntr: cycle/time/instret advance; mcounteren/scounteren gate them in S and U mode. */
#include "test.h"

static u64 read_counter(u64 which) {
  u64 v = 0;
  if (which == 0) asm volatile("rdcycle %0" : "=r"(v));
  if (which == 1) asm volatile("rdtime %0" : "=r"(v));
  if (which == 2) asm volatile("rdinstret %0" : "=r"(v));
  return v;
}

/* Reads counter `which` in `mode`; returns 1 if it trapped as an illegal instruction. */
static int counter_traps(u64 mode, u64 which) {
  trap_arm(&mtrap);
  enter_mode(mode, read_counter, which);
  mtrap.armed = 0;
  if (mtrap.count == 0) return 0;
  CHECK_EQ(mtrap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  CHECK_EQ(mtrap.prev_mode, mode);
  return 1;
}

int main(void) {
  section("counters advance");
  u64 c0 = read_counter(0), i0 = read_counter(2);
  for (volatile int i = 0; i < 1000; i++) {
  }
  u64 c1 = read_counter(0), i1 = read_counter(2);
  CHECK(c1 > c0);
  CHECK(i1 - i0 >= 2000); /* the loop retires several instructions per iteration */
  CHECK_EQ(csr_read(mcycle) >= c1, 1);
  CHECK_EQ(csr_read(minstret) >= i1, 1);
  u64 t0 = read_counter(1), t1 = t0;
  for (u64 spins = 0; t1 == t0 && spins < 50000000; spins++) t1 = read_counter(1);
  CHECK(t1 > t0);

  section("time CSR follows CLINT mtime");
  u64 m0 = MMIO64(CLINT_MTIME);
  u64 tc = read_counter(1);
  u64 m1 = MMIO64(CLINT_MTIME);
  CHECK(tc >= m0);
  CHECK(m1 >= tc);

  section("M-mode can write mcycle/minstret");
  csr_write(minstret, 1000000);
  u64 ir = csr_read(minstret);
  CHECK(ir >= 1000000); /* QEMU without icount counts host ticks, so no upper bound */

  section("hpm counters and event selectors exist (may be read-only zero)");
  trap_arm(&mtrap);
  u64 hpm = csr_read(mhpmcounter3) | csr_read(hpmcounter3);
  csr_write(mhpmevent3, 0);
  hpm |= csr_read(mhpmevent3);
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 0);
  /* All 29 must exist per the privileged spec; QEMU 7.2 only has its 16 PMU counters (3..18). */
  if (!is_qemu_7_2()) {
    trap_arm(&mtrap);
    hpm |= csr_read(mhpmcounter31) | csr_read(mhpmevent31) | csr_read(hpmcounter31);
    mtrap.armed = 0;
    CHECK_EQ(mtrap.count, 0);
  }
  (void)hpm;

  section("mcounteren gates S-mode, mcounteren & scounteren gate U-mode");
  for (u64 which = 0; which < 3; which++) {
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    CHECK_EQ(counter_traps(PRV_S, which), 1);
    CHECK_EQ(counter_traps(PRV_U, which), 1);
    csr_write(mcounteren, 1ul << which);
    CHECK_EQ(counter_traps(PRV_S, which), 0);
    CHECK_EQ(counter_traps(PRV_U, which), 1);
    csr_write(scounteren, 1ul << which);
    CHECK_EQ(counter_traps(PRV_U, which), 0);
    csr_write(mcounteren, 0);
    CHECK_EQ(counter_traps(PRV_U, which), 1);
    csr_write(mcounteren, 7 & ~(1ul << which));
    CHECK_EQ(counter_traps(PRV_S, which), 1);
  }
  csr_write(mcounteren, 7);
  csr_write(scounteren, 7);
  CHECK(enter_mode(PRV_U, read_counter, 2) > 0);
  return test_result();
}
