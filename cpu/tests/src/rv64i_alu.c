/* RV64I register-register and register-immediate ALU instructions, incl. W forms and shift masking. */
#include "test.h"

int main(void) {
  section("add/sub/addi");
  CHECK_EQ(RR("add", 5, 7), 12);
  CHECK_EQ(RR("add", 0x7fffffffffffffff, 1), 0x8000000000000000);
  CHECK_EQ(RR("add", -1, 1), 0);
  CHECK_EQ(RR("sub", 5, 7), (u64)-2);
  CHECK_EQ(RR("sub", 0x8000000000000000, 1), 0x7fffffffffffffff);
  CHECK_EQ(RI("addi", 5, -6), (u64)-1);
  CHECK_EQ(RI("addi", 0, 2047), 2047);
  CHECK_EQ(RI("addi", 0, -2048), (u64)-2048);

  section("addw/subw/addiw sign extension");
  CHECK_EQ(RR("addw", 0x7fffffff, 1), 0xffffffff80000000);
  CHECK_EQ(RR("addw", 0xffffffff00000005, 0x1234500000007), 12);
  CHECK_EQ(RR("subw", 0, 1), (u64)-1);
  CHECK_EQ(RR("subw", 0x80000000, 1), 0x7fffffff);
  CHECK_EQ(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000);
  CHECK_EQ(RI("addiw", 0x1ffffffff, 0), (u64)-1);
  CHECK_EQ(RI("addiw", 0x123456789, -1), 0x23456788);

  section("logic");
  CHECK_EQ(RR("and", 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f), 0x0f000f000f000f00);
  CHECK_EQ(RR("or", 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f), 0xff0fff0fff0fff0f);
  CHECK_EQ(RR("xor", 0xff00ff00ff00ff00, 0x0f0f0f0f0f0f0f0f), 0xf00ff00ff00ff00f);
  CHECK_EQ(RI("andi", 0xffffffffffffffff, -16), 0xfffffffffffffff0);
  CHECK_EQ(RI("andi", 0x123, 0x0f0), 0x020);
  CHECK_EQ(RI("ori", 0x100, -2048), 0xfffffffffffff900);
  CHECK_EQ(RI("xori", 0x5, -1), (u64)~5ul);

  section("slt/sltu");
  CHECK_EQ(RR("slt", -1, 1), 1);
  CHECK_EQ(RR("slt", 1, -1), 0);
  CHECK_EQ(RR("slt", 3, 3), 0);
  CHECK_EQ(RR("sltu", -1, 1), 0);
  CHECK_EQ(RR("sltu", 1, -1), 1);
  CHECK_EQ(RI("slti", -5, -4), 1);
  CHECK_EQ(RI("slti", 0x8000000000000000, 0), 1);
  CHECK_EQ(RI("sltiu", 0, 1), 1);
  CHECK_EQ(RI("sltiu", 5, -1), 1); /* the immediate is sign-extended, then compared unsigned */
  CHECK_EQ(RI("sltiu", -1, -1), 0);

  section("64-bit shifts (shift amount masked to 6 bits)");
  CHECK_EQ(RR("sll", 1, 63), 0x8000000000000000);
  CHECK_EQ(RR("sll", 1, 64), 1);
  CHECK_EQ(RR("sll", 3, 65), 6);
  CHECK_EQ(RR("srl", 0x8000000000000000, 63), 1);
  CHECK_EQ(RR("srl", 0x8000000000000000, 0xffffffffffffffc0), 0x8000000000000000);
  CHECK_EQ(RR("sra", 0x8000000000000000, 63), (u64)-1);
  CHECK_EQ(RR("sra", 0x8000000000000000, 68), 0xf800000000000000);
  CHECK_EQ(RR("sra", 0x4000000000000000, 62), 1);
  CHECK_EQ(RI("slli", 1, 63), 0x8000000000000000);
  CHECK_EQ(RI("slli", 0xff, 32), 0xff00000000);
  CHECK_EQ(RI("srli", -1, 60), 0xf);
  CHECK_EQ(RI("srli", -1, 0), (u64)-1);
  CHECK_EQ(RI("srai", 0x8000000000000000, 60), (u64)-8);
  CHECK_EQ(RI("srai", 0x7000000000000000, 60), 7);

  section("32-bit shifts (5-bit amounts, sign-extended results)");
  CHECK_EQ(RR("sllw", 1, 31), 0xffffffff80000000);
  CHECK_EQ(RR("sllw", 1, 32), 1);
  CHECK_EQ(RR("sllw", 0xffffffff00000003, 1), 6);
  CHECK_EQ(RR("srlw", 0x80000000, 31), 1);
  CHECK_EQ(RR("srlw", 0xffffffff80000000, 0), 0xffffffff80000000);
  CHECK_EQ(RR("srlw", 0xffffffff80000000, 33), 0x40000000);
  CHECK_EQ(RR("sraw", 0x80000000, 31), (u64)-1);
  CHECK_EQ(RR("sraw", 0x0000000180000000, 4), 0xfffffffff8000000);
  CHECK_EQ(RR("sraw", 0x7fffffff, 36), 0x07ffffff);
  CHECK_EQ(RI("slliw", 3, 30), 0xffffffffc0000000);
  CHECK_EQ(RI("slliw", 0x100000001, 4), 0x10);
  CHECK_EQ(RI("srliw", 0xffffffffffffffff, 28), 0xf);
  CHECK_EQ(RI("srliw", 0x80000000, 0), 0xffffffff80000000);
  CHECK_EQ(RI("sraiw", 0x80000000, 4), 0xfffffffff8000000);
  CHECK_EQ(RI("sraiw", 0x1234567f0, 4), 0x0234567f);

  section("lui/auipc");
  u64 v;
  asm volatile(".option norvc\nlui %0, 0x80000\n.option rvc" : "=r"(v));
  CHECK_EQ(v, 0xffffffff80000000);
  asm volatile(".option norvc\nlui %0, 0x7ffff\n.option rvc" : "=r"(v));
  CHECK_EQ(v, 0x7ffff000);
  u64 here, there;
  asm volatile(".option norvc\n1: auipc %0, 0\nauipc %1, 1\n.option rvc" : "=r"(here), "=r"(there));
  CHECK_EQ(there - here, 0x1000 + 4);
  u64 label;
  asm volatile("lla %0, 1f\n.option norvc\n1: auipc %1, 0xfffff\n.option rvc"
               : "=r"(label), "=r"(v));
  CHECK_EQ(v, label - 0x1000);

  section("x0 stays zero");
  asm volatile(".option norvc\naddi x0, x0, 5\nmv %0, x0\n.option rvc" : "=r"(v));
  CHECK_EQ(v, 0);
  asm volatile(".option norvc\nlui x0, 0x12345\nadd %0, x0, x0\n.option rvc" : "=r"(v));
  CHECK_EQ(v, 0);

  section("nop / fence");
  asm volatile("fence\nfence rw, rw\nfence.tso\nfence r, r\nfence iorw, iorw\nnop" ::: "memory");
  return test_result();
}
