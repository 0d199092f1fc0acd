/* Reserved and unsupported encodings of RV64GC must raise illegal-instruction (mtval = 0 or bits). */
#include "test.h"

/* Executes one 32-bit word placed in the instruction stream. */
#define EXEC32(word) asm volatile(".option push\n.option norvc\n.word " #word "\n.option pop" ::: "memory")
#define EXEC16(half) asm volatile(".2byte " #half ::: "memory")

static void expect_illegal(u64 bits, int line) {
  mtrap.armed = 0;
  if (mtrap.count != 1 || mtrap.cause != CAUSE_ILLEGAL_INSTRUCTION) {
    check_fail(line, "encoding did not trap as illegal", bits, mtrap.cause, 1);
  } else if (mtrap.tval != 0 && mtrap.tval != bits) {
    check_fail(line, "mtval", mtrap.tval, bits, 1);
  }
}

#define ILLEGAL32(word)                                                                            \
  do {                                                                                             \
    trap_arm(&mtrap);                                                                              \
    EXEC32(word);                                                                                  \
    expect_illegal(word, __LINE__);                                                                \
  } while (0)
#define ILLEGAL16(half)                                                                            \
  do {                                                                                             \
    trap_arm(&mtrap);                                                                              \
    EXEC16(half);                                                                                  \
    expect_illegal(half, __LINE__);                                                                \
  } while (0)

int main(void) {
  section("RV64I reserved funct3/funct7 values");
  ILLEGAL32(0x00007003); /* LOAD funct3 = 7 */
  ILLEGAL32(0x00004023); /* STORE funct3 = 4 */
  ILLEGAL32(0x00002063); /* BRANCH funct3 = 2 */
  ILLEGAL32(0x00003063); /* BRANCH funct3 = 3 */
  ILLEGAL32(0x00001067); /* JALR funct3 = 1 */
  ILLEGAL32(0x0200101b); /* SLLIW with shamt[5] = 1 */
  ILLEGAL32(0x0200501b); /* SRLIW with shamt[5] = 1 */
  ILLEGAL32(0x4200501b); /* SRAIW with shamt[5] = 1 */
  ILLEGAL32(0x0000201b); /* OP-IMM-32 funct3 = 2 */
  ILLEGAL32(0x0400003b); /* OP-32 funct7 = 2 */
  ILLEGAL32(0x4000103b); /* OP-32 funct7 = 0x20 with funct3 = 1 */
  ILLEGAL32(0x0000001f); /* 48-bit encoding space */
  ILLEGAL32(0x0000003f); /* 64-bit encoding space */
  ILLEGAL32(0x00000077); /* reserved major opcode 0b1110111 */
  ILLEGAL32(0x00000057); /* OP-V: no V extension */

  section("A: reserved AMO funct5 and widths");
  ILLEGAL32(0x2800202f); /* funct5 = 00101 */
  ILLEGAL32(0x0000002f); /* AMO on bytes (funct3 = 0) */
  ILLEGAL32(0x0000402f); /* funct3 = 4 */

  section("F/D: reserved formats and funct3");
  ILLEGAL32(0x06000053); /* fadd.q: no Q extension */
  ILLEGAL32(0xe0002053); /* FMV.X/FCLASS group with funct3 = 2 */
  ILLEGAL32(0xa0003053); /* FCMP group with funct3 = 3 */
  ILLEGAL32(0x28003053); /* FMIN/FMAX group with funct3 = 3 */
  ILLEGAL32(0x20003053); /* FSGNJ group with funct3 = 3 */
  ILLEGAL32(0x00005007); /* LOAD-FP width 5 */
  ILLEGAL32(0x00001027); /* STORE-FP width 1 (no Zfh) */

  section("SYSTEM: reserved forms");
  ILLEGAL32(0x30300073); /* funct12 = 0x303 with funct3 = 0: not mret/sret/wfi */
  ILLEGAL32(0x00200073); /* uret is gone (N extension removed) */

  section("C: reserved compressed encodings");
  ILLEGAL16(0x2001); /* c.addiw with rd = x0 */
  ILLEGAL16(0x9c41); /* CA with bit 12 set and funct2 = 10 */
  ILLEGAL16(0x9c61); /* CA with bit 12 set and funct2 = 11 */
  return test_result();
}
