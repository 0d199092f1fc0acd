/* F extension arithmetic: results, NaN rules, exception flags and every static rounding mode. */
#include "fp.h"

#define ONE 0x3f800000u
#define TWO 0x40000000u
#define THREE 0x40400000u
#define HALF 0x3f000000u
#define INF 0x7f800000u
#define NINF 0xff800000u
#define QNAN 0x7fc00000u
#define SNAN 0x7f800001u
#define MAXF 0x7f7fffffu
#define NZERO 0x80000000u

int main(void) {
  section("fadd/fsub/fmul/fdiv basics and special values");
  CHECK_F(S2("fadd.s ft2, ft0, ft1", ONE, TWO), THREE, 0);
  CHECK_F(S2("fsub.s ft2, ft0, ft1", ONE, THREE), 0xc0000000, 0);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", THREE, HALF), 0x3fc00000, 0);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1", THREE, TWO), 0x3fc00000, 0);
  CHECK_F(S2("fadd.s ft2, ft0, ft1", INF, NINF), QNAN, NV);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", INF, 0), QNAN, NV);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1", ONE, 0), INF, DZ);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1", ONE, NZERO), NINF, DZ);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1", 0, 0), QNAN, NV);
  CHECK_F(S2("fsub.s ft2, ft0, ft1", ONE, ONE), 0, 0);
  CHECK_F(S2("fsub.s ft2, ft0, ft1, rdn", ONE, ONE), NZERO, 0);

  section("NaN results are canonical; signalling NaNs raise NV");
  CHECK_F(S2("fadd.s ft2, ft0, ft1", 0x7fc12345, ONE), QNAN, 0);
  CHECK_F(S2("fadd.s ft2, ft0, ft1", 0xffc00001, ONE), QNAN, 0);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", SNAN, ONE), QNAN, NV);
  CHECK_F(S1("fsqrt.s ft2, ft0", 0xbf800000), QNAN, NV);
  CHECK_F(S1("fsqrt.s ft2, ft0", NZERO), NZERO, 0);

  section("overflow, underflow (tininess after rounding), inexact");
  CHECK_F(S2("fmul.s ft2, ft0, ft1", MAXF, TWO), INF, OF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1, rtz", MAXF, TWO), MAXF, OF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1, rdn", MAXF, TWO), MAXF, OF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1, rup", 0xff7fffff, TWO), 0xff7fffff, OF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", 0x00800001, HALF), 0x00400000, UF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", 0x00800000, HALF), 0x00400000, 0);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", 0x3f7ffffe, 0x00800001), 0x00800000, NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1, rtz", 0x3f7ffffe, 0x00800001), 0x007fffff, UF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", 0x3f7fffff, 0x00800000), 0x00800000, UF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1", 0x00000001, HALF), 0, UF | NX);
  CHECK_F(S2("fmul.s ft2, ft0, ft1, rup", 0x00000001, HALF), 1, UF | NX);

  section("static rounding modes on 1/3 and -1/3");
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rne", ONE, THREE), 0x3eaaaaab, NX);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rtz", ONE, THREE), 0x3eaaaaaa, NX);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rdn", ONE, THREE), 0x3eaaaaaa, NX);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rup", ONE, THREE), 0x3eaaaaab, NX);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rmm", ONE, THREE), 0x3eaaaaab, NX);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rdn", 0xbf800000, THREE), 0xbeaaaaab, NX);
  CHECK_F(S2("fdiv.s ft2, ft0, ft1, rup", 0xbf800000, THREE), 0xbeaaaaaa, NX);
  /* Ties: 1 + 2^-24 is halfway between 1 and 1 + 2^-23. */
  CHECK_F(S2("fadd.s ft2, ft0, ft1, rne", ONE, 0x33800000), ONE, NX);
  CHECK_F(S2("fadd.s ft2, ft0, ft1, rmm", ONE, 0x33800000), 0x3f800001, NX);
  CHECK_F(S2("fadd.s ft2, ft0, ft1, rne", 0x3f800001, 0x33800000), 0x3f800002, NX);

  section("fsqrt");
  CHECK_F(S1("fsqrt.s ft2, ft0", 0x40800000), TWO, 0);
  CHECK_F(S1("fsqrt.s ft2, ft0", TWO), 0x3fb504f3, NX);
  CHECK_F(S1("fsqrt.s ft2, ft0, rup", TWO), 0x3fb504f4, NX);
  CHECK_F(S1("fsqrt.s ft2, ft0", INF), INF, 0);

  section("fused multiply-add: one rounding, all four forms");
  CHECK_F(S3("fmadd.s ft2, ft0, ft1, ft3", ONE, TWO, THREE), 0x40a00000, 0);
  CHECK_F(S3("fmsub.s ft2, ft0, ft1, ft3", ONE, TWO, THREE), 0xbf800000, 0);
  CHECK_F(S3("fnmsub.s ft2, ft0, ft1, ft3", ONE, TWO, THREE), ONE, 0);
  CHECK_F(S3("fnmadd.s ft2, ft0, ft1, ft3", ONE, TWO, THREE), 0xc0a00000, 0);
  /* (1 + 2^-23)^2 - (1 + 2^-22) = 2^-46 exactly; a separately rounded product would give 0. */
  CHECK_F(S3("fmadd.s ft2, ft0, ft1, ft3", 0x3f800001, 0x3f800001, 0xbf800002), 0x28800000, 0);
  CHECK_F(S3("fmadd.s ft2, ft0, ft1, ft3", INF, 0, QNAN), QNAN, NV);
  CHECK_F(S3("fmadd.s ft2, ft0, ft1, ft3", ONE, ONE, SNAN), QNAN, NV);
  CHECK_F(S3("fmadd.s ft2, ft0, ft1, ft3, rdn", ONE, ONE, 0xbf800000), NZERO, 0);

  section("fmin/fmax");
  CHECK_F(S2("fmin.s ft2, ft0, ft1", NZERO, 0), NZERO, 0);
  CHECK_F(S2("fmin.s ft2, ft0, ft1", 0, NZERO), NZERO, 0);
  CHECK_F(S2("fmax.s ft2, ft0, ft1", NZERO, 0), 0, 0);
  CHECK_F(S2("fmin.s ft2, ft0, ft1", QNAN, ONE), ONE, 0);
  CHECK_F(S2("fmax.s ft2, ft0, ft1", TWO, QNAN), TWO, 0);
  CHECK_F(S2("fmin.s ft2, ft0, ft1", SNAN, ONE), ONE, NV);
  CHECK_F(S2("fmax.s ft2, ft0, ft1", 0x7fc11111, 0x7fc22222), QNAN, 0);
  CHECK_F(S2("fmin.s ft2, ft0, ft1", 0xc0000000, ONE), 0xc0000000, 0);

  section("feq/flt/fle: quiet vs signalling comparisons");
  CHECK_F(SX("feq.s %0, ft0, ft1", ONE, ONE), 1, 0);
  CHECK_F(SX("feq.s %0, ft0, ft1", NZERO, 0), 1, 0);
  CHECK_F(SX("feq.s %0, ft0, ft1", QNAN, ONE), 0, 0);
  CHECK_F(SX("feq.s %0, ft0, ft1", SNAN, ONE), 0, NV);
  CHECK_F(SX("flt.s %0, ft0, ft1", ONE, TWO), 1, 0);
  CHECK_F(SX("flt.s %0, ft0, ft1", NZERO, 0), 0, 0);
  CHECK_F(SX("flt.s %0, ft0, ft1", QNAN, ONE), 0, NV);
  CHECK_F(SX("fle.s %0, ft0, ft1", TWO, TWO), 1, 0);
  CHECK_F(SX("fle.s %0, ft0, ft1", NINF, 0xff7fffff), 1, 0);
  CHECK_F(SX("fle.s %0, ft0, ft1", ONE, QNAN), 0, NV);

  section("fclass.s");
  CHECK_F(SX("fclass.s %0, ft0", NINF, 0), 1 << 0, 0);
  CHECK_F(SX("fclass.s %0, ft0", 0xbf800000, 0), 1 << 1, 0);
  CHECK_F(SX("fclass.s %0, ft0", 0x80000001, 0), 1 << 2, 0);
  CHECK_F(SX("fclass.s %0, ft0", NZERO, 0), 1 << 3, 0);
  CHECK_F(SX("fclass.s %0, ft0", 0, 0), 1 << 4, 0);
  CHECK_F(SX("fclass.s %0, ft0", 0x007fffff, 0), 1 << 5, 0);
  CHECK_F(SX("fclass.s %0, ft0", ONE, 0), 1 << 6, 0);
  CHECK_F(SX("fclass.s %0, ft0", INF, 0), 1 << 7, 0);
  CHECK_F(SX("fclass.s %0, ft0", SNAN, 0), 1 << 8, 0);
  CHECK_F(SX("fclass.s %0, ft0", QNAN, 0), 1 << 9, 0);

  section("sign injection");
  CHECK_F(S2("fsgnj.s ft2, ft0, ft1", ONE, 0x80000000), 0xbf800000, 0);
  CHECK_F(S2("fsgnjn.s ft2, ft0, ft1", ONE, 0x80000000), ONE, 0);
  CHECK_F(S2("fsgnjx.s ft2, ft0, ft1", 0xbf800000, 0x80000000), ONE, 0);
  CHECK_F(S2("fsgnj.s ft2, ft0, ft1", SNAN, 0x80000000), 0xff800001, 0);
  return test_result();
}
