/* Zifencei: code written at run time (and rewritten) executes after fence.i. */
#include "test.h"

static u32 code[64] __attribute__((aligned(64)));

/* addi a0, x0, imm ; ret */
static void emit_return_imm(u32 *at, int imm) {
  at[0] = ((u32)imm << 20) | (10 << 7) | 0x13;
  at[1] = 0x00008067;
}

static u64 call_code(u32 *at) {
  u64 (*fn)(void) = (u64(*)(void))(u64)at;
  return fn();
}

int main(void) {
  section("execute freshly written code");
  emit_return_imm(code, 42);
  asm volatile("fence.i" ::: "memory");
  CHECK_EQ(call_code(code), 42);

  section("rewrite the same code");
  for (int i = 1; i <= 20; i++) {
    emit_return_imm(code, i * 7);
    asm volatile("fence.i" ::: "memory");
    CHECK_EQ(call_code(code), (u64)(i * 7));
  }

  section("patch the next instruction of the running code stream");
  u64 v;
  /* Overwrite the `li a0, 1` at label 2 with `li a0, 2` (addi a0, x0, 2), fence.i, fall through. */
  asm volatile(".option push\n.option norvc\n"
               "lla t0, 2f\n"
               "li t1, 0x00200513\n"
               "sw t1, 0(t0)\n"
               "fence.i\n"
               "2: addi a0, x0, 1\n"
               "mv %0, a0\n"
               ".option pop\n"
               : "=r"(v)
               :
               : "t0", "t1", "a0", "memory");
  CHECK_EQ(v, 2);

  section("compressed code written at run time");
  u16 *c = (u16 *)&code[16];
  c[0] = 0x4501 | (13 << 2); /* c.li a0, 13 */
  c[1] = 0x8082;             /* c.jr ra (ret) */
  asm volatile("fence.i" ::: "memory");
  CHECK_EQ(call_code(&code[16]), 13);
  return test_result();
}
