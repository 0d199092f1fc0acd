/* Supervisor interrupts: mip.STIP from M, Sstc stimecmp, SSIP, SIE rules, vectored stvec, WFI. */
#include "test.h"
#include "vectors.h"

VECTOR_TABLE(s_vectors, strap_entry);
extern char s_vectors[];

#define SPIN_LIMIT 20000000ul
#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE (1ul << 63)

static void write_stimecmp(u64 v) { asm volatile("csrw 0x14d, %0" ::"r"(v)); }
static u64 read_stimecmp(void) {
  u64 v;
  asm volatile("csrr %0, 0x14d" : "=r"(v));
  return v;
}

static volatile int sstc_on;

static void s_hook(u64 code) {
  if (code == IRQ_STI) {
    if (sstc_on) write_stimecmp(~0ul);
    else csr_clear(sie, 1 << IRQ_STI); /* STIP is M's to clear */
  } else if (code == IRQ_SSI) {
    csr_clear(sip, 1 << IRQ_SSI);
  } else if (code == IRQ_SEI) {
    csr_clear(sie, 1 << IRQ_SEI); /* SEIP is M's (or the PLIC's) to clear */
  } else {
    fatal("unexpected S interrupt", code, 0, 0);
  }
}

static u64 s_wait(u64 code) {
  csr_set(sstatus, MSTATUS_SIE);
  for (u64 i = 0; i < SPIN_LIMIT && s_irq_count[code] == 0; i++) {
  }
  csr_clear(sstatus, MSTATUS_SIE);
  return s_irq_count[code];
}

static u64 s_raise_ssip(u64 _) {
  (void)_;
  csr_set(sip, 1 << IRQ_SSI);
  return s_wait(IRQ_SSI);
}

static u64 s_arm_stimecmp(u64 delta) {
  u64 now;
  asm volatile("rdtime %0" : "=r"(now));
  write_stimecmp(now + delta);
  return s_wait(IRQ_STI);
}

/* Sleeps in WFI (SIE = 0) until the Sstc timer is pending, then lets the interrupt in. */
static u64 s_wfi_timer(u64 delta) {
  u64 now;
  asm volatile("rdtime %0" : "=r"(now));
  write_stimecmp(now + delta);
  for (int i = 0; i < 1000 && !(csr_read(sip) & (1 << IRQ_STI)); i++) asm volatile("wfi");
  u64 pending = (csr_read(sip) >> IRQ_STI) & 1;
  csr_set(sstatus, MSTATUS_SIE);
  for (int i = 0; i < 100 && s_irq_count[IRQ_STI] == 0; i++) {
  }
  csr_clear(sstatus, MSTATUS_SIE);
  return pending | s_irq_count[IRQ_STI] << 1;
}

static u64 u_wait_timer(u64 _) {
  (void)_;
  for (u64 i = 0; i < SPIN_LIMIT && s_irq_count[IRQ_STI] == 0; i++) {
  }
  return s_irq_count[IRQ_STI];
}

static u64 s_arm_then_user(u64 delta) {
  u64 now;
  asm volatile("rdtime %0" : "=r"(now));
  write_stimecmp(now + delta);
  return 0;
}

static u64 s_touch_stimecmp(u64 v) {
  write_stimecmp(v);
  return 0;
}

/* Spins with SIE = 0: S-level interrupts must stay pending in S-mode. */
static u64 s_spin_masked(u64 _) {
  (void)_;
  csr_clear(sstatus, MSTATUS_SIE);
  csr_set(sip, 1 << IRQ_SSI);
  for (volatile int i = 0; i < 1000; i++) {
  }
  u64 pending = csr_read(sip) & (1 << IRQ_SSI);
  u64 taken = s_irq_count[IRQ_SSI];
  /* WFI wakes on the pending-and-enabled SSI even though SIE = 0. */
  asm volatile("wfi");
  csr_clear(sip, 1 << IRQ_SSI);
  return (pending ? 1 : 0) | (taken << 1);
}

static u64 u_spin(u64 _) {
  (void)_;
  for (u64 i = 0; i < SPIN_LIMIT && s_irq_count[IRQ_STI] == 0; i++) {
  }
  return s_irq_count[IRQ_STI];
}

int main(void) {
  s_irq_hook = s_hook;
  csr_write(stvec, (u64)strap_entry);
  csr_write(mideleg, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI));
  CHECK_EQ(csr_read(mideleg) & 0x222, 0x222);
  csr_write(mie, (1 << IRQ_SSI) | (1 << IRQ_STI));

  section("supervisor timer through mip.STIP written by M-mode");
  csr_set(mip, 1 << IRQ_STI);
  CHECK(csr_read(sip) & (1 << IRQ_STI));
  CHECK_EQ(enter_mode(PRV_S, s_wait, IRQ_STI), 1);
  csr_clear(mip, 1 << IRQ_STI);
  csr_set(mie, 1 << IRQ_STI);
  CHECK((csr_read(sip) & (1 << IRQ_STI)) == 0);

  section("S-level interrupts are always taken in U-mode, whatever SIE");
  s_irq_count[IRQ_STI] = 0;
  csr_clear(mstatus, MSTATUS_SIE);
  csr_set(mip, 1 << IRQ_STI);
  CHECK_EQ(enter_mode(PRV_U, u_spin, 0), 1);
  csr_clear(mip, 1 << IRQ_STI);
  csr_set(mie, 1 << IRQ_STI);

  section("supervisor software interrupt (sip.SSIP written by S)");
  CHECK_EQ(enter_mode(PRV_S, s_raise_ssip, 0), 1);
  CHECK((csr_read(mip) & (1 << IRQ_SSI)) == 0);

  section("SIE = 0 masks S interrupts in S-mode; WFI still wakes");
  u64 r = enter_mode(PRV_S, s_spin_masked, 0);
  CHECK_EQ(r & 1, 1);
  CHECK_EQ(r >> 1, 1); /* the count is still the one from the previous section */

  section("vectored stvec: interrupt goes to base + 4 * cause");
  csr_write(stvec, (u64)s_vectors | 1);
  csr_write(sscratch, 99);
  s_irq_count[IRQ_SSI] = 0;
  CHECK_EQ(enter_mode(PRV_S, s_raise_ssip, 0), 1);
  CHECK_EQ(csr_read(sscratch), IRQ_SSI);
  csr_write(stvec, (u64)strap_entry);

  section("supervisor external interrupt through mip.SEIP written by M-mode");
  csr_set(mie, 1 << IRQ_SEI);
  csr_set(mip, 1 << IRQ_SEI);
  CHECK(csr_read(sip) & (1 << IRQ_SEI));
  CHECK_EQ(enter_mode(PRV_S, s_wait, IRQ_SEI), 1);
  csr_clear(mip, 1 << IRQ_SEI);

  section("S-level priority: SEI > SSI > STI");
  csr_write(mie, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI));
  csr_set(mip, (1 << IRQ_SEI) | (1 << IRQ_STI) | (1 << IRQ_SSI));
  irq_log_len = 0;
  s_irq_count[IRQ_STI] = 0;
  CHECK_EQ(enter_mode(PRV_S, s_wait, IRQ_STI), 1);
  CHECK_EQ(irq_log_len, 3);
  /* QEMU 7.2 without AIA takes the lowest-numbered interrupt first (see irq_m.c). */
  int qemu = is_qemu_7_2();
  CHECK_EQ(irq_log[0], qemu ? IRQ_SSI : IRQ_SEI);
  CHECK_EQ(irq_log[1], qemu ? IRQ_STI : IRQ_SSI);
  CHECK_EQ(irq_log[2], qemu ? IRQ_SEI : IRQ_STI);
  csr_clear(mip, (1 << IRQ_SEI) | (1 << IRQ_STI));
  csr_write(mie, (1 << IRQ_SSI) | (1 << IRQ_STI));

  section("Sstc: stimecmp drives STIP when menvcfg.STCE = 1");
  csr_set(0x30a, MENVCFG_STCE);
  sstc_on = 1;
  CHECK(csr_read(0x30a) & MENVCFG_STCE);
  csr_write(mcounteren, 7);
  write_stimecmp(0);
  CHECK_EQ(read_stimecmp(), 0);
  CHECK(csr_read(mip) & (1 << IRQ_STI));
  write_stimecmp(~0ul);
  CHECK((csr_read(mip) & (1 << IRQ_STI)) == 0);
  s_irq_count[IRQ_STI] = 0;
  CHECK_EQ(enter_mode(PRV_S, s_arm_stimecmp, 200), 1);
  CHECK_EQ(read_stimecmp(), ~0ul);
  CHECK((csr_read(mip) & (1 << IRQ_STI)) == 0);

  section("Sstc: WFI in S wakes when stimecmp is reached");
  s_irq_count[IRQ_STI] = 0;
  CHECK_EQ(enter_mode(PRV_S, s_wfi_timer, 2000), 3);
  CHECK_EQ(read_stimecmp(), ~0ul);

  section("Sstc: the timer preempts U-mode into the S handler");
  s_irq_count[IRQ_STI] = 0;
  enter_mode(PRV_S, s_arm_then_user, 500);
  CHECK_EQ(enter_mode(PRV_U, u_wait_timer, 0), 1);
  CHECK_EQ(read_stimecmp(), ~0ul);

  section("Sstc: S-mode access to stimecmp needs mcounteren.TM");
  csr_write(mcounteren, 5);
  trap_arm(&mtrap);
  enter_mode(PRV_S, s_touch_stimecmp, 1);
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(mtrap.cause, CAUSE_ILLEGAL_INSTRUCTION);
  csr_write(mcounteren, 7);
  write_stimecmp(~0ul);
  csr_clear(0x30a, MENVCFG_STCE);
  csr_write(mie, 0);
  csr_write(mideleg, 0);
  return test_result();
}
