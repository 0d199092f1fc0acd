/* medeleg/mideleg: exceptions delegated to S-mode (scause/sepc/stval/SPP), vectored mtvec/stvec. */
#include "test.h"
#include "vectors.h"

VECTOR_TABLE(m_vectors, trap_entry);
VECTOR_TABLE(s_vectors, strap_entry);
extern char m_vectors[], s_vectors[];

#define UNMAPPED 0x0d000000ul
static u64 pc_of_next;

static u64 do_illegal(u64 _) {
  (void)_;
  asm volatile("lla t0, 1f\nsd t0, %0\n1: .word 0xffffffff" : "=m"(pc_of_next)::"t0", "memory");
  return 0;
}
static u64 do_ecall(u64 _) {
  (void)_;
  asm volatile("li a7, 0\nlla t0, 1f\nsd t0, %0\n1: ecall" : "=m"(pc_of_next)::"t0", "a7", "memory");
  return 0;
}
static u64 do_load(u64 addr) {
  u64 v;
  asm volatile("lla t0, 1f\nsd t0, %1\n1: ld %0, 0(%2)"
               : "=&r"(v), "=m"(pc_of_next)
               : "r"(addr)
               : "t0", "memory");
  return v;
}
static u64 do_ebreak(u64 _) {
  (void)_;
  asm volatile("lla t0, 1f\nsd t0, %0\n1: c.ebreak" : "=m"(pc_of_next)::"t0", "memory");
  return 0;
}

static void clear_msip(u64 code) {
  (void)code;
  MMIO32(CLINT_MSIP) = 0;
}

static void expect_s(u64 mode, u64 (*fn)(u64), u64 arg, u64 cause, u64 tval, int line) {
  trap_arm(&strap);
  trap_arm(&mtrap);
  enter_mode(mode, fn, arg);
  strap.armed = 0;
  mtrap.armed = 0;
  if (strap.count != 1 || mtrap.count != 0 || strap.cause != cause || strap.epc != pc_of_next ||
      strap.prev_mode != mode || (tval != ~0ul && strap.tval != tval)) {
    check_fail(line, "delegated trap", strap.cause, cause, 1);
    puts("   s count=");
    print_dec(strap.count);
    puts(" m count=");
    print_dec(mtrap.count);
    puts(" sepc=");
    print_hex(strap.epc);
    puts(" stval=");
    print_hex(strap.tval);
    puts(" SPP=");
    print_dec(strap.prev_mode);
    putch('\n');
  }
}
#define EXPECT_S(mode, fn, arg, cause, tval) expect_s(mode, fn, arg, cause, tval, __LINE__)

int main(void) {
  csr_write(stvec, (u64)strap_entry);
  section("medeleg is writable for delegable causes");
  csr_write(medeleg, (1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_USER_ECALL) |
                         (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS));
  CHECK_EQ(csr_read(medeleg), (1 << CAUSE_ILLEGAL_INSTRUCTION) | (1 << CAUSE_USER_ECALL) |
                                  (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS));

  section("delegated exceptions from S and U go to stvec");
  EXPECT_S(PRV_S, do_illegal, 0, CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_S(PRV_U, do_illegal, 0, CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_S(PRV_U, do_ecall, 0, CAUSE_USER_ECALL, 0);
  EXPECT_S(PRV_S, do_ebreak, 0, CAUSE_BREAKPOINT, ~0ul);
  EXPECT_S(PRV_S, do_load, UNMAPPED + 16, CAUSE_LOAD_ACCESS, UNMAPPED + 16);
  EXPECT_S(PRV_U, do_load, UNMAPPED + 24, CAUSE_LOAD_ACCESS, UNMAPPED + 24);

  section("undelegated causes still go to M");
  trap_arm(&mtrap);
  trap_arm(&strap);
  enter_mode(PRV_S, do_ecall, 0);
  mtrap.armed = strap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(strap.count, 0);
  CHECK_EQ(mtrap.cause, CAUSE_SUPERVISOR_ECALL);

  section("delegation never lowers privilege: M-mode traps stay in M");
  trap_arm(&mtrap);
  trap_arm(&strap);
  asm volatile(".word 0xffffffff");
  mtrap.armed = strap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(strap.count, 0);

  section("sstatus.SPIE/SIE stacking on a delegated trap");
  csr_set(mstatus, MSTATUS_SIE);
  trap_arm(&strap);
  enter_mode(PRV_S, do_illegal, 0);
  strap.armed = 0;
  CHECK_EQ(strap.count, 1);
  CHECK(csr_read(sstatus) & MSTATUS_SIE); /* restored by sret */
  csr_clear(mstatus, MSTATUS_SIE);

  section("vectored mtvec: exceptions use the base address");
  csr_write(mtvec, (u64)m_vectors | 1);
  CHECK_EQ(csr_read(mtvec), (u64)m_vectors | 1);
  csr_write(sscratch, 99);
  trap_arm(&mtrap);
  asm volatile("ecall" ::: "memory");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.cause, CAUSE_MACHINE_ECALL);
  CHECK_EQ(csr_read(sscratch), 0);

  section("vectored mtvec: interrupts use base + 4 * cause");
  m_irq_hook = clear_msip;
  csr_write(sscratch, 99);
  csr_write(mie, 1 << IRQ_MSI);
  MMIO32(CLINT_MSIP) = 1;
  csr_set(mstatus, MSTATUS_MIE);
  for (int i = 0; i < 1000 && m_irq_count[IRQ_MSI] == 0; i++) {
  }
  csr_clear(mstatus, MSTATUS_MIE);
  CHECK_EQ(m_irq_count[IRQ_MSI], 1);
  CHECK_EQ(csr_read(sscratch), IRQ_MSI);
  csr_write(mie, 0);
  csr_write(mtvec, (u64)trap_entry);

  section("vectored stvec: delegated exceptions use the base address");
  csr_write(stvec, (u64)s_vectors | 1);
  csr_write(sscratch, 99);
  EXPECT_S(PRV_S, do_illegal, 0, CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  CHECK_EQ(csr_read(sscratch), 0);
  csr_write(stvec, (u64)strap_entry);
  csr_write(medeleg, 0);
  return test_result();
}
