/* fcsr/frm/fflags, dynamic rounding, invalid rm, mstatus.FS (Off traps, Dirty tracking), NaN-boxing. */
#include "fp.h"

#define ONE 0x3f800000u
#define THREE 0x40400000u

static volatile u64 mem[4];

int main(void) {
  section("fcsr = frm << 5 | fflags");
  u64 v;
  csr_write(fcsr, 0xff);
  CHECK_EQ(csr_read(fcsr), 0xff);
  CHECK_EQ(csr_read(frm), 7);
  CHECK_EQ(csr_read(fflags), 0x1f);
  csr_write(fcsr, 0x1ff);
  CHECK_EQ(csr_read(fcsr), 0xff);
  csr_write(frm, 2);
  csr_write(fflags, 0x25);
  CHECK_EQ(csr_read(fcsr), (2 << 5) | 5);
  asm volatile("fsrm %0, %1" : "=r"(v) : "r"(1ul));
  CHECK_EQ(v, 2);
  asm volatile("fsflagsi %0, 3" : "=r"(v));
  CHECK_EQ(v, 5);
  CHECK_EQ(csr_read(fcsr), (1 << 5) | 3);
  csr_write(fcsr, 0);

  section("fflags accumulate until cleared");
  asm volatile("fmv.w.x ft0, %0\nfmv.w.x ft1, %1\nfdiv.s ft2, ft0, ft1\n"
               "fmv.w.x ft1, zero\nfdiv.s ft2, ft0, ft1" ::"r"((u64)ONE),
               "r"((u64)THREE)
               : "ft0", "ft1", "ft2");
  CHECK_EQ(csr_read(fflags), NX | DZ);
  csr_write(fflags, 0);

  section("dynamic rounding mode comes from frm");
  u64 r;
#define DIV_DYN(frm_value)                                                                         \
  ({                                                                                               \
    csr_write(frm, frm_value);                                                                     \
    asm volatile("fmv.w.x ft0, %1\nfmv.w.x ft1, %2\nfdiv.s ft2, ft0, ft1, dyn\nfmv.x.w %0, ft2"    \
                 : "=r"(r)                                                                         \
                 : "r"((u64)0xbf800000), "r"((u64)THREE)                                           \
                 : "ft0", "ft1", "ft2");                                                           \
    (u32)r;                                                                                        \
  })
  CHECK_EQ(DIV_DYN(0), 0xbeaaaaab);
  CHECK_EQ(DIV_DYN(1), 0xbeaaaaaa);
  CHECK_EQ(DIV_DYN(2), 0xbeaaaaab);
  CHECK_EQ(DIV_DYN(3), 0xbeaaaaaa);
  CHECK_EQ(DIV_DYN(4), 0xbeaaaaab);
  /* A static rm overrides frm. */
  csr_write(frm, 2);
  CHECK_EQ(S2("fdiv.s ft2, ft0, ft1, rup", 0xbf800000, THREE), 0xbeaaaaaa);

  section("invalid rounding modes are illegal instructions");
  for (u64 bad = 5; bad <= 7; bad++) {
    csr_write(frm, bad);
    EXPECT_MTRAP(asm volatile("fadd.s ft2, ft0, ft1, dyn" ::: "ft2"), CAUSE_ILLEGAL_INSTRUCTION,
                 ~0ul);
    EXPECT_MTRAP(asm volatile("fcvt.w.d %0, ft0, dyn" : "=r"(v)), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  }
  csr_write(frm, 0);
  EXPECT_MTRAP(asm volatile(".word 0x00105153" ::: "ft2"), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_MTRAP(asm volatile(".word 0x02106153" ::: "ft2"), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  /* rm does not matter for sign injection or moves: fsgnj.s with funct3 = 0 stays legal. */

  section("NaN-boxing: improperly boxed singles read as the canonical NaN");
  r = D2("fadd.s ft2, ft0, ft1", 0x000000003f800000,
         0xffffffff3f800000);
  CHECK_EQ(r, 0xffffffff7fc00000);
  CHECK_EQ(flags, 0);
  r = DX("fclass.s %0, ft0", 0xfffffffe3f800000, 0);
  CHECK_EQ(r, 1 << 9);
  r = D2("fsgnjn.s ft2, ft0, ft1", 0x3f800000, 0xffffffff3f800000);
  CHECK_EQ(r, 0xffffffffffc00000);
  r = D2("fsgnj.s ft2, ft1, ft0", 0x3f800000, 0xffffffff3f800000);
  CHECK_EQ(r, 0xffffffff3f800000); /* a non-boxed sign source is the canonical NaN (+) */
  r = DX("fcvt.w.s %0, ft0, rtz", 0x0000000040000000, 0);
  CHECK_EQ(r, 0x7fffffff);
  CHECK_EQ(flags, NV);
  r = D1("fcvt.d.s ft2, ft0", 0x1234567840000000);
  CHECK_EQ(r, 0x7ff8000000000000);

  section("transfers: flw/fmv.w.x box, fsw/fmv.x.w move the low bits unchanged");
  mem[0] = 0x11111111c0000000;
  asm volatile("flw ft4, 0(%1)\nfmv.x.d %0, ft4" : "=r"(r) : "r"(mem) : "ft4", "memory");
  CHECK_EQ(r, 0xffffffffc0000000);
  asm volatile("fmv.d.x ft4, %1\nfmv.x.w %0, ft4" : "=r"(r) : "r"(0x12345678deadbeeful) : "ft4");
  CHECK_EQ(r, 0xffffffffdeadbeef);
  mem[1] = 0;
  asm volatile("fmv.d.x ft4, %0\nfsw ft4, 8(%1)" ::"r"(0x1234567800c0ffeeul), "r"(mem)
               : "ft4", "memory");
  CHECK_EQ(mem[1], 0x00c0ffee);
  asm volatile("fmv.w.x ft4, %1\nfmv.x.d %0, ft4" : "=r"(r) : "r"(0xaaaaaaaa3f800000ul) : "ft4");
  CHECK_EQ(r, 0xffffffff3f800000);

  section("mstatus.FS: Off traps every FP instruction and fcsr access");
  csr_clear(mstatus, MSTATUS_FS);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, 0);
  EXPECT_MTRAP(asm volatile("fadd.d ft2, ft0, ft1" ::: "ft2"), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_MTRAP(asm volatile("fld ft2, 0(%0)" ::"r"(mem) : "ft2"), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_MTRAP(asm volatile("fsd ft2, 0(%0)" ::"r"(mem) : "memory"), CAUSE_ILLEGAL_INSTRUCTION,
               ~0ul);
  EXPECT_MTRAP(asm volatile("fmv.x.d %0, ft0" : "=r"(v)), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_MTRAP(asm volatile("c.fld fa0, 0(%0)" ::"r"(mem) : "fa0"), CAUSE_ILLEGAL_INSTRUCTION,
               ~0ul);
  EXPECT_MTRAP(v = csr_read(fcsr), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_MTRAP(csr_write(frm, 1), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);
  EXPECT_MTRAP(v = csr_read(fflags), CAUSE_ILLEGAL_INSTRUCTION, ~0ul);

  section("mstatus.FS: writes make it Dirty and set SD");
  csr_set(mstatus, MSTATUS_FS_CLEAN);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, MSTATUS_FS_CLEAN);
  CHECK_EQ(csr_read(mstatus) >> 63, 0);
  asm volatile("fmv.d.x ft3, zero" ::: "ft3");
  CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, MSTATUS_FS_DIRTY);
  CHECK_EQ(csr_read(mstatus) >> 63, 1);
  CHECK_EQ(csr_read(sstatus) >> 63, 1);
  csr_clear(mstatus, MSTATUS_FS);
  csr_set(mstatus, MSTATUS_FS_CLEAN);
  csr_write(fflags, 0);
  CHECK_EQ(csr_read(mstatus) & MSTATUS_FS, MSTATUS_FS_DIRTY);
  csr_clear(mstatus, MSTATUS_FS);
  csr_set(mstatus, MSTATUS_FS_INITIAL);
  return test_result();
}
