/* RV64I loads/stores (every width, sign/zero extension, offsets), branches, jal and jalr. */
#include "test.h"

static volatile u64 buf[4] __attribute__((aligned(16)));

#define LOAD(op, base, off)                                                                        \
  ({                                                                                               \
    u64 _r;                                                                                        \
    asm volatile(".option push\n.option norvc\n" op " %0, %2(%1)\n.option pop"                     \
                 : "=r"(_r)                                                                        \
                 : "r"(base), "i"(off)                                                             \
                 : "memory");                                                                      \
    _r;                                                                                            \
  })
#define STORE(op, val, base, off)                                                                  \
  asm volatile(".option push\n.option norvc\n" op " %0, %2(%1)\n.option pop" ::"r"((u64)(val)),   \
               "r"(base), "i"(off)                                                                 \
               : "memory")

#define BRANCH(op, a, b)                                                                           \
  ({                                                                                               \
    u64 _t;                                                                                        \
    asm volatile(".option push\n.option norvc\nli %0, 1\n" op " %1, %2, 1f\nli %0, 0\n1:\n"        \
                 ".option pop"                                                                     \
                 : "=&r"(_t)                                                                       \
                 : "r"((u64)(a)), "r"((u64)(b)));                                                  \
    _t;                                                                                            \
  })

int main(void) {
  volatile u8 *p = (volatile u8 *)buf;
  section("stores of each width");
  buf[0] = 0;
  buf[1] = 0;
  STORE("sd", 0x8877665544332211, p, 0);
  CHECK_EQ(buf[0], 0x8877665544332211);
  STORE("sw", 0xaaaaaaaaf1f2f3f4, p, 8);
  STORE("sh", 0xbbbbe1e2, p, 12);
  STORE("sb", 0xccd1, p, 14);
  CHECK_EQ(buf[1], 0x00d1e1e2f1f2f3f4);
  STORE("sb", 0x99, p + 16, -1);
  CHECK_EQ(buf[1], 0x99d1e1e2f1f2f3f4);

  section("loads: sign and zero extension");
  CHECK_EQ(LOAD("ld", p, 0), 0x8877665544332211);
  CHECK_EQ(LOAD("lw", p, 4), 0xffffffff88776655);
  CHECK_EQ(LOAD("lwu", p, 4), 0x88776655);
  CHECK_EQ(LOAD("lw", p, 0), 0x44332211);
  CHECK_EQ(LOAD("lh", p, 6), 0xffffffffffff8877);
  CHECK_EQ(LOAD("lhu", p, 6), 0x8877);
  CHECK_EQ(LOAD("lh", p, 2), 0x4433);
  CHECK_EQ(LOAD("lb", p, 7), 0xffffffffffffff88);
  CHECK_EQ(LOAD("lbu", p, 7), 0x88);
  CHECK_EQ(LOAD("lb", p, 1), 0x22);
  CHECK_EQ(LOAD("lbu", p + 8, 7), 0x99);
  CHECK_EQ(LOAD("lb", p + 16, -1), 0xffffffffffffff99);
  CHECK_EQ(LOAD("ld", (u64)p + 2048, -2040), 0x99d1e1e2f1f2f3f4);

  section("load into x0 is discarded");
  u64 v;
  asm volatile(".option norvc\nld x0, 0(%1)\nmv %0, x0\n.option rvc" : "=r"(v) : "r"(p));
  CHECK_EQ(v, 0);

  section("branches");
  CHECK_EQ(BRANCH("beq", 3, 3), 1);
  CHECK_EQ(BRANCH("beq", 3, 4), 0);
  CHECK_EQ(BRANCH("bne", 3, 4), 1);
  CHECK_EQ(BRANCH("bne", -1, -1), 0);
  CHECK_EQ(BRANCH("blt", -1, 0), 1);
  CHECK_EQ(BRANCH("blt", 0, -1), 0);
  CHECK_EQ(BRANCH("blt", 5, 5), 0);
  CHECK_EQ(BRANCH("bge", 5, 5), 1);
  CHECK_EQ(BRANCH("bge", -1, 0), 0);
  CHECK_EQ(BRANCH("bge", 0x7fffffffffffffff, 0x8000000000000000), 1);
  CHECK_EQ(BRANCH("bltu", 0, -1), 1);
  CHECK_EQ(BRANCH("bltu", -1, 0), 0);
  CHECK_EQ(BRANCH("bltu", 7, 7), 0);
  CHECK_EQ(BRANCH("bgeu", -1, 0), 1);
  CHECK_EQ(BRANCH("bgeu", 7, 7), 1);
  CHECK_EQ(BRANCH("bgeu", 0, 1), 0);

  section("backward branch loop");
  u64 n = 0, i = 10;
  asm volatile(".option norvc\n1: addi %0, %0, 3\naddi %1, %1, -1\nbnez %1, 1b\n.option rvc"
               : "+r"(n), "+r"(i));
  CHECK_EQ(n, 30);

  section("jal / jalr link and targets");
  u64 link, expect;
  asm volatile(".option norvc\njal %0, 1f\n2: j 3f\n1: lla %1, 2b\n3:\n.option rvc"
               : "=&r"(link), "=&r"(expect));
  CHECK_EQ(link, expect);
  asm volatile(".option norvc\nli %1, 0\nlla t0, 1f\njalr %0, 4(t0)\n1: j 3f\n2: lla %1, 1b\n3:\n"
               ".option rvc"
               : "=&r"(link), "=&r"(expect)::"t0");
  CHECK_EQ(link, expect);
  /* jalr clears bit 0 of the target: an odd target lands on the even address. */
  asm volatile(".option norvc\nlla t0, 1f\naddi t0, t0, 1\njalr %0, 0(t0)\nj 2f\n1: li %1, 42\n"
               "2:\n.option rvc"
               : "=&r"(link), "=&r"(v)::"t0");
  CHECK_EQ(v, 42);
  /* rd == rs1: the target uses the old rs1 value. */
  asm volatile(".option norvc\nlla %0, 1f\njalr %0, 0(%0)\nli %1, 1\nj 2f\n1: li %1, 7\n2:\n"
               ".option rvc"
               : "=&r"(link), "=&r"(v));
  CHECK_EQ(v, 7);
  /* jalr x0 does not write a link. */
  asm volatile(".option norvc\nli %0, 5\nlla t0, 1f\njalr x0, 0(t0)\nli %0, 6\n1:\n.option rvc"
               : "=&r"(v)::"t0");
  CHECK_EQ(v, 5);
  return test_result();
}
