/* RV64A: LR/SC success/failure rules and every AMO (.w/.d, signed/unsigned min/max), faults. */
#include "test.h"

static volatile u64 mem[1024] __attribute__((aligned(4096)));

#define AMO(op, addr, val)                                                                         \
  ({                                                                                               \
    u64 _old;                                                                                      \
    asm volatile(op " %0, %2, (%1)" : "=&r"(_old) : "r"(addr), "r"((u64)(val)) : "memory");        \
    _old;                                                                                          \
  })


#define CHECK_AMO_D(op, init, operand, want_mem)                                                   \
  do {                                                                                             \
    mem[0] = (init);                                                                               \
    CHECK_EQ(AMO(op, &mem[0], operand), (init));                                                   \
    CHECK_EQ(mem[0], (want_mem));                                                                  \
  } while (0)

/* .w: old value is sign-extended; only the low word changes (mem[1] is a guard). */
#define CHECK_AMO_W(op, init, operand, want_word)                                                  \
  do {                                                                                             \
    mem[0] = 0x5555555500000000ul | (u32)(init);                                                   \
    CHECK_EQ(AMO(op, &mem[0], operand), (u64)(i64)(i32)(u32)(init));                               \
    CHECK_EQ(mem[0], 0x5555555500000000ul | (u32)(want_word));                                     \
  } while (0)

int main(void) {
  section("amo*.d");
  CHECK_AMO_D("amoswap.d", 0x1111, 0x2222, 0x2222);
  CHECK_AMO_D("amoadd.d", 0xffffffffffffffff, 2, 1);
  CHECK_AMO_D("amoxor.d", 0xff00, 0x0ff0, 0xf0f0);
  CHECK_AMO_D("amoand.d", 0xff00, 0x0ff0, 0x0f00);
  CHECK_AMO_D("amoor.d", 0xff00, 0x0ff0, 0xfff0);
  CHECK_AMO_D("amomin.d", (u64)-5, 3, (u64)-5);
  CHECK_AMO_D("amomin.d", 7, 3, 3);
  CHECK_AMO_D("amomax.d", (u64)-5, 3, 3);
  CHECK_AMO_D("amomax.d", 0x8000000000000000, (u64)-1, (u64)-1);
  CHECK_AMO_D("amominu.d", (u64)-5, 3, 3);
  CHECK_AMO_D("amominu.d", 2, 3, 2);
  CHECK_AMO_D("amomaxu.d", (u64)-5, 3, (u64)-5);
  CHECK_AMO_D("amomaxu.d", 0, 3, 3);
  CHECK_AMO_D("amoadd.d.aq", 40, 2, 42);
  CHECK_AMO_D("amoadd.d.rl", 40, 2, 42);
  CHECK_AMO_D("amoadd.d.aqrl", 40, 2, 42);

  section("amo*.w");
  CHECK_AMO_W("amoswap.w", 0x80000000, 0x12345678, 0x12345678);
  CHECK_AMO_W("amoadd.w", 0x7fffffff, 1, 0x80000000);
  CHECK_AMO_W("amoadd.w", 0xffffffff, 0xffffffff00000001, 0);
  CHECK_AMO_W("amoxor.w", 0xf0f0f0f0, 0xffff, 0xf0f00f0f);
  CHECK_AMO_W("amoand.w", 0xf0f0f0f0, 0xffff, 0xf0f0);
  CHECK_AMO_W("amoor.w", 0xf0f0f0f0, 0xffff, 0xf0f0ffff);
  CHECK_AMO_W("amomin.w", 0x80000000, 1, 0x80000000);
  CHECK_AMO_W("amomin.w", 5, 0xffffffff, 0xffffffff);
  CHECK_AMO_W("amomax.w", 0x80000000, 1, 1);
  CHECK_AMO_W("amomax.w", 5, 0x1ffffffff, 5); /* operand's low word is -1 */
  CHECK_AMO_W("amominu.w", 0x80000000, 1, 1);
  CHECK_AMO_W("amominu.w", 5, 0x100000007, 5);
  CHECK_AMO_W("amomaxu.w", 0x80000000, 1, 0x80000000);
  CHECK_AMO_W("amomaxu.w", 5, 0xffffffff, 0xffffffff);
  CHECK_AMO_W("amoswap.w.aqrl", 1, 2, 2);

  section("amo with rd = x0 still writes memory");
  mem[0] = 10;
  asm volatile("amoadd.d x0, %1, (%0)" ::"r"(&mem[0]), "r"(5ul) : "memory");
  CHECK_EQ(mem[0], 15);

  section("lr/sc");
  u64 v, rc;
  mem[0] = 100;
  asm volatile("lr.d %0, (%2)\naddi %0, %0, 1\nsc.d %1, %0, (%2)"
               : "=&r"(v), "=&r"(rc)
               : "r"(&mem[0])
               : "memory");
  CHECK_EQ(rc, 0);
  CHECK_EQ(mem[0], 101);
  /* A second SC without a new LR must fail and not write. */
  asm volatile("sc.d %0, %1, (%2)" : "=&r"(rc) : "r"(7ul), "r"(&mem[0]) : "memory");
  CHECK(rc != 0);
  CHECK_EQ(mem[0], 101);
  /* SC to an address outside the reservation (another page) must fail. */
  mem[512] = 3;
  asm volatile("lr.d %0, (%2)\nsc.d %1, %3, (%4)"
               : "=&r"(v), "=&r"(rc)
               : "r"(&mem[0]), "r"(9ul), "r"(&mem[512])
               : "memory");
  CHECK(rc != 0);
  CHECK_EQ(mem[512], 3);
  /* After the failed SC above the reservation is gone: an SC to the LR address fails too. */
  asm volatile("sc.d %0, %1, (%2)" : "=&r"(rc) : "r"(7ul), "r"(&mem[0]) : "memory");
  CHECK(rc != 0);
  CHECK_EQ(mem[0], 101);

  section("lr.w sign-extends, sc.w writes one word");
  mem[0] = 0x12345678fffffffe;
  asm volatile("lr.w %0, (%2)\naddi %0, %0, 1\nsc.w %1, %0, (%2)"
               : "=&r"(v), "=&r"(rc)
               : "r"(&mem[0])
               : "memory");
  CHECK_EQ(v, (u64)-1);
  CHECK_EQ(rc, 0);
  CHECK_EQ(mem[0], 0x12345678ffffffff);
  asm volatile("lr.w.aq %0, (%2)\nsc.w.rl %1, %3, (%2)"
               : "=&r"(v), "=&r"(rc)
               : "r"((u64)&mem[0] + 4), "r"(0x42ul)
               : "memory");
  CHECK_EQ(v, 0x12345678);
  CHECK_EQ(rc, 0);
  CHECK_EQ(mem[0], 0x00000042ffffffff);

  section("misaligned AMO/LR trap");
  u64 odd = (u64)&mem[2] + 4;
  trap_arm(&mtrap);
  v = AMO("amoadd.d", odd, 1);
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK(mtrap.cause == amo_cause(CAUSE_MISALIGNED_STORE) ||
        mtrap.cause == amo_cause(CAUSE_STORE_ACCESS));
  CHECK_EQ(mtrap.tval, odd);
  trap_arm(&mtrap);
  v = AMO("amoswap.w", odd + 1, 1);
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK(mtrap.cause == amo_cause(CAUSE_MISALIGNED_STORE) ||
        mtrap.cause == amo_cause(CAUSE_STORE_ACCESS));
  trap_arm(&mtrap);
  asm volatile("lr.d %0, (%1)" : "=r"(v) : "r"(odd) : "memory");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK(mtrap.cause == CAUSE_MISALIGNED_LOAD || mtrap.cause == CAUSE_LOAD_ACCESS);
  section("AMO to an unmapped physical address: store/AMO access fault");
  EXPECT_MTRAP(v = AMO("amoadd.w", 0x0d000000ul, 1), amo_cause(CAUSE_STORE_ACCESS), 0x0d000000);
  EXPECT_MTRAP(asm volatile("lr.w %0, (%1)" : "=r"(v) : "r"(0x0d000000ul) : "memory"),
               CAUSE_LOAD_ACCESS, 0x0d000000);
  return test_result();
}
