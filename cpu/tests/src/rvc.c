/* RV64C: every compressed instruction form (explicit c.* mnemonics) and reserved encodings. */
#include "test.h"

static volatile u64 data[32] __attribute__((aligned(64)));

#define CA(op, a, b)                                                                               \
  ({                                                                                               \
    register u64 _a asm("s0") = (a);                                                               \
    register u64 _b asm("s1") = (b);                                                               \
    asm volatile(op " s0, s1" : "+r"(_a) : "r"(_b));                                               \
    _a;                                                                                            \
  })
#define CB(op, a, imm)                                                                             \
  ({                                                                                               \
    register u64 _a asm("a5") = (a);                                                               \
    asm volatile(op " a5, %1" : "+r"(_a) : "i"(imm));                                              \
    _a;                                                                                            \
  })
#define CI(op, a, imm)                                                                             \
  ({                                                                                               \
    register u64 _a asm("t3") = (a);                                                               \
    asm volatile(op " t3, %1" : "+r"(_a) : "i"(imm));                                              \
    _a;                                                                                            \
  })

#define ILLEGAL16(enc)                                                                             \
  do {                                                                                             \
    u64 _pc;                                                                                       \
    trap_arm(&mtrap);                                                                              \
    asm volatile("lla %0, 1f\n1: .2byte " #enc : "=r"(_pc)::"memory");                             \
    mtrap.armed = 0;                                                                               \
    CHECK_EQ(mtrap.count, 1);                                                                      \
    CHECK_EQ(mtrap.cause, CAUSE_ILLEGAL_INSTRUCTION);                                              \
    CHECK_EQ(mtrap.epc, _pc);                                                                      \
    CHECK(mtrap.tval == 0 || mtrap.tval == (enc));                                                 \
  } while (0)

int main(void) {
  section("CA: c.sub c.xor c.or c.and c.subw c.addw");
  CHECK_EQ(CA("c.sub", 5, 7), (u64)-2);
  CHECK_EQ(CA("c.xor", 0xff00, 0x0ff0), 0xf0f0);
  CHECK_EQ(CA("c.or", 0xff00, 0x0ff0), 0xfff0);
  CHECK_EQ(CA("c.and", 0xff00, 0x0ff0), 0x0f00);
  CHECK_EQ(CA("c.subw", 0x80000000, 1), 0x7fffffff);
  CHECK_EQ(CA("c.subw", 0, 1), (u64)-1);
  CHECK_EQ(CA("c.addw", 0x7fffffff, 1), 0xffffffff80000000);

  section("CB: c.srli c.srai c.andi");
  CHECK_EQ(CB("c.srli", 0x8000000000000000, 63), 1);
  CHECK_EQ(CB("c.srli", 0x8000000000000000, 32), 0x80000000);
  CHECK_EQ(CB("c.srai", 0x8000000000000000, 32), 0xffffffff80000000);
  CHECK_EQ(CB("c.srai", 0x40, 1), 0x20);
  CHECK_EQ(CB("c.andi", 0xff, -16), 0xf0);
  CHECK_EQ(CB("c.andi", 0xff, 0x1f), 0x1f);

  section("CI: c.addi c.addiw c.li c.lui c.slli");
  CHECK_EQ(CI("c.addi", 10, -32), (u64)-22);
  CHECK_EQ(CI("c.addi", 10, 31), 41);
  CHECK_EQ(CI("c.addiw", 0x7fffffff, 1), 0xffffffff80000000);
  CHECK_EQ(CI("c.addiw", 0x100000005, 0), 5);
  CHECK_EQ(CI("c.li", 99, -32), (u64)-32);
  CHECK_EQ(CI("c.li", 99, 17), 17);
  CHECK_EQ(CI("c.lui", 0, 0xfffe0), 0xfffffffffffe0000);
  CHECK_EQ(CI("c.lui", 0, 1), 0x1000);
  CHECK_EQ(CI("c.lui", 0, 31), 0x1f000);
  CHECK_EQ(CI("c.slli", 1, 63), 0x8000000000000000);
  CHECK_EQ(CI("c.slli", 0xff, 32), 0xff00000000);

  section("CR: c.mv c.add, c.nop");
  u64 v;
  {
    register u64 a asm("a0") = 3;
    register u64 b asm("t5") = 0x1234;
    asm volatile("c.mv a0, t5" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 0x1234);
    asm volatile("c.add a0, t5\nc.nop" : "+r"(a) : "r"(b));
    CHECK_EQ(a, 0x2468);
  }

  section("CL/CS: c.lw c.ld c.sw c.sd c.fld c.fsd");
  data[0] = 0x80000001fffffffe;
  data[1] = 0;
  {
    register volatile u64 *base asm("s0") = data;
    register u64 r asm("a1");
    asm volatile("c.lw a1, 0(s0)" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ(r, (u64)-2);
    asm volatile("c.lw a1, 4(s0)" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ(r, 0xffffffff80000001);
    asm volatile("c.ld a1, 0(s0)" : "=r"(r) : "r"(base) : "memory");
    CHECK_EQ(r, 0x80000001fffffffe);
    r = 0x1122334455667788;
    asm volatile("c.sd a1, 8(s0)" ::"r"(r), "r"(base) : "memory");
    CHECK_EQ(data[1], 0x1122334455667788);
    r = 0xaabbccdd;
    asm volatile("c.sw a1, 12(s0)" ::"r"(r), "r"(base) : "memory");
    CHECK_EQ(data[1], 0xaabbccdd55667788);
    asm volatile("c.fld fa1, 8(s0)\nc.fsd fa1, 248(s0)" ::"r"(base) : "memory", "fa1");
    CHECK_EQ(*(volatile u64 *)((u64)data + 248), 0xaabbccdd55667788);
  }

  section("stack forms: c.addi4spn c.addi16sp c.lwsp c.ldsp c.swsp c.sdsp c.fldsp c.fsdsp");
  {
    u64 sp0, sp1, spn, w, d, fd;
    asm volatile("mv %0, sp\n"
                 "c.addi16sp sp, -64\n"
                 "mv %1, sp\n"
                 "c.addi4spn a2, sp, 8\n"
                 "mv %2, a2\n"
                 "li a3, 0x8765432112345678\n"
                 "c.sdsp a3, 16(sp)\n"
                 "c.swsp a3, 28(sp)\n"
                 "c.lwsp a4, 16(sp)\n"
                 "mv %3, a4\n"
                 "c.ldsp a4, 24(sp)\n"
                 "mv %4, a4\n"
                 "c.fldsp fa2, 16(sp)\n"
                 "c.fsdsp fa2, 40(sp)\n"
                 "ld %5, 40(sp)\n"
                 "c.addi16sp sp, 64\n"
                 : "=&r"(sp0), "=&r"(sp1), "=&r"(spn), "=&r"(w), "=&r"(d), "=&r"(fd)
                 :
                 : "a2", "a3", "a4", "fa2", "memory");
    CHECK_EQ(sp0 - sp1, 64);
    CHECK_EQ(spn, sp1 + 8);
    CHECK_EQ(w, 0x12345678);
    CHECK_EQ(d & 0xffffffff00000000, 0x1234567800000000);
    CHECK_EQ(fd, 0x8765432112345678);
  }

  section("control flow: c.j c.jr c.jalr c.beqz c.bnez");
  asm volatile("li %0, 1\nc.j 1f\nli %0, 2\n1:" : "=&r"(v));
  CHECK_EQ(v, 1);
  {
    register u64 flag asm("s1");
    asm volatile("li s1, 0\nc.beqz s1, 1f\nli s1, 5\n1:" : "=&r"(flag));
    CHECK_EQ(flag, 0);
    asm volatile("li s1, 3\nc.bnez s1, 1f\nli s1, 5\n1:" : "=&r"(flag));
    CHECK_EQ(flag, 3);
    asm volatile("li s1, 0\nc.bnez s1, 1f\nli s1, 5\n1:" : "=&r"(flag));
    CHECK_EQ(flag, 5);
    asm volatile("li s1, 3\nc.beqz s1, 1f\nli s1, 6\n1:" : "=&r"(flag));
    CHECK_EQ(flag, 6);
  }
  u64 link, after;
  asm volatile("lla t0, 1f\nli %0, 0\nc.jr t0\nli %0, 9\n1:" : "=&r"(v)::"t0");
  CHECK_EQ(v, 0);
  asm volatile("lla t0, 2f\nc.jalr t0\n1: j 3f\n2: lla %1, 1b\nmv %0, ra\n3:"
               : "=&r"(link), "=&r"(after)::"t0", "ra");
  CHECK_EQ(link, after);

  section("c.ebreak");
  u64 pc;
  trap_arm(&mtrap);
  asm volatile("lla %0, 1f\n1: c.ebreak" : "=r"(pc)::"memory");
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(mtrap.cause, CAUSE_BREAKPOINT);
  CHECK_EQ(mtrap.epc, pc);

  section("reserved and illegal compressed encodings");
  ILLEGAL16(0x0000); /* all-zero parcel: defined illegal */
  ILLEGAL16(0x0004); /* c.addi4spn with nzuimm = 0 */
  ILLEGAL16(0x6101); /* c.addi16sp with nzimm = 0 */
  ILLEGAL16(0x6081); /* c.lui x1 with nzimm = 0 */
  ILLEGAL16(0x8002); /* c.jr x0 */
  ILLEGAL16(0x4002); /* c.lwsp x0 */
  ILLEGAL16(0x6002); /* c.ldsp x0 */
  return test_result();
}
