/* D extension arithmetic: results, NaN rules, flags, rounding, fma, min/max, compares, fclass. */
#include "fp.h"

#define ONE 0x3ff0000000000000ul
#define TWO 0x4000000000000000ul
#define THREE 0x4008000000000000ul
#define HALF 0x3fe0000000000000ul
#define INF 0x7ff0000000000000ul
#define NINF 0xfff0000000000000ul
#define QNAN 0x7ff8000000000000ul
#define SNAN 0x7ff0000000000001ul
#define MAXD 0x7feffffffffffffful
#define NZERO 0x8000000000000000ul
#define MINUS_ONE 0xbff0000000000000ul

int main(void) {
  section("fadd/fsub/fmul/fdiv and special values");
  CHECK_F(D2("fadd.d ft2, ft0, ft1", ONE, TWO), THREE, 0);
  CHECK_F(D2("fsub.d ft2, ft0, ft1", ONE, THREE), 0xc000000000000000, 0);
  CHECK_F(D2("fmul.d ft2, ft0, ft1", THREE, HALF), 0x3ff8000000000000, 0);
  CHECK_F(D2("fdiv.d ft2, ft0, ft1", ONE, 0), INF, DZ);
  CHECK_F(D2("fdiv.d ft2, ft0, ft1", 0, 0), QNAN, NV);
  CHECK_F(D2("fsub.d ft2, ft0, ft1", INF, INF), QNAN, NV);
  CHECK_F(D2("fadd.d ft2, ft0, ft1", 0x7ff8000000000123, ONE), QNAN, 0);
  CHECK_F(D2("fadd.d ft2, ft0, ft1", SNAN, ONE), QNAN, NV);
  CHECK_F(D2("fsub.d ft2, ft0, ft1, rdn", TWO, TWO), NZERO, 0);

  section("overflow/underflow/inexact and rounding modes");
  CHECK_F(D2("fmul.d ft2, ft0, ft1", MAXD, TWO), INF, OF | NX);
  CHECK_F(D2("fmul.d ft2, ft0, ft1, rtz", MAXD, TWO), MAXD, OF | NX);
  CHECK_F(D2("fmul.d ft2, ft0, ft1", 0x0010000000000001, HALF), 0x0008000000000000, UF | NX);
  CHECK_F(D2("fmul.d ft2, ft0, ft1", 0x0010000000000000, HALF), 0x0008000000000000, 0);
  CHECK_F(D2("fdiv.d ft2, ft0, ft1, rne", ONE, THREE), 0x3fd5555555555555, NX);
  CHECK_F(D2("fdiv.d ft2, ft0, ft1, rup", ONE, THREE), 0x3fd5555555555556, NX);
  CHECK_F(D2("fdiv.d ft2, ft0, ft1, rdn", MINUS_ONE, THREE), 0xbfd5555555555556, NX);
  CHECK_F(D2("fdiv.d ft2, ft0, ft1, rtz", MINUS_ONE, THREE), 0xbfd5555555555555, NX);
  CHECK_F(D2("fadd.d ft2, ft0, ft1, rmm", ONE, 0x3ca0000000000000), 0x3ff0000000000001, NX);
  CHECK_F(D2("fadd.d ft2, ft0, ft1, rne", ONE, 0x3ca0000000000000), ONE, NX);

  section("fsqrt.d");
  CHECK_F(D1("fsqrt.d ft2, ft0", 0x4010000000000000), TWO, 0);
  CHECK_F(D1("fsqrt.d ft2, ft0", TWO), 0x3ff6a09e667f3bcd, NX);
  CHECK_F(D1("fsqrt.d ft2, ft0", MINUS_ONE), QNAN, NV);
  CHECK_F(D1("fsqrt.d ft2, ft0", NZERO), NZERO, 0);

  section("fused multiply-add (one rounding)");
  CHECK_F(D3("fmadd.d ft2, ft0, ft1, ft3", ONE, TWO, THREE), 0x4014000000000000, 0);
  CHECK_F(D3("fmsub.d ft2, ft0, ft1, ft3", ONE, TWO, THREE), MINUS_ONE, 0);
  CHECK_F(D3("fnmsub.d ft2, ft0, ft1, ft3", ONE, TWO, THREE), ONE, 0);
  CHECK_F(D3("fnmadd.d ft2, ft0, ft1, ft3", ONE, TWO, THREE), 0xc014000000000000, 0);
  /* (1 + 2^-52)^2 - (1 + 2^-51) = 2^-104 exactly. */
  CHECK_F(D3("fmadd.d ft2, ft0, ft1, ft3", 0x3ff0000000000001, 0x3ff0000000000001,
             0xbff0000000000002),
          0x3970000000000000, 0);
  CHECK_F(D3("fmadd.d ft2, ft0, ft1, ft3", INF, 0, ONE), QNAN, NV);

  section("fmin/fmax, compares, fclass, sign injection");
  CHECK_F(D2("fmin.d ft2, ft0, ft1", 0, NZERO), NZERO, 0);
  CHECK_F(D2("fmax.d ft2, ft0, ft1", NZERO, 0), 0, 0);
  CHECK_F(D2("fmax.d ft2, ft0, ft1", QNAN, MINUS_ONE), MINUS_ONE, 0);
  CHECK_F(D2("fmax.d ft2, ft0, ft1", SNAN, MINUS_ONE), MINUS_ONE, NV);
  CHECK_F(D2("fmin.d ft2, ft0, ft1", QNAN, 0x7ff8000000000005), QNAN, 0);
  CHECK_F(DX("feq.d %0, ft0, ft1", NZERO, 0), 1, 0);
  CHECK_F(DX("feq.d %0, ft0, ft1", QNAN, QNAN), 0, 0);
  CHECK_F(DX("feq.d %0, ft0, ft1", SNAN, ONE), 0, NV);
  CHECK_F(DX("flt.d %0, ft0, ft1", MINUS_ONE, ONE), 1, 0);
  CHECK_F(DX("flt.d %0, ft0, ft1", ONE, QNAN), 0, NV);
  CHECK_F(DX("fle.d %0, ft0, ft1", ONE, ONE), 1, 0);
  CHECK_F(DX("fle.d %0, ft0, ft1", QNAN, ONE), 0, NV);
  CHECK_F(DX("fclass.d %0, ft0", NINF, 0), 1 << 0, 0);
  CHECK_F(DX("fclass.d %0, ft0", MINUS_ONE, 0), 1 << 1, 0);
  CHECK_F(DX("fclass.d %0, ft0", 0x8000000000000001, 0), 1 << 2, 0);
  CHECK_F(DX("fclass.d %0, ft0", NZERO, 0), 1 << 3, 0);
  CHECK_F(DX("fclass.d %0, ft0", 0, 0), 1 << 4, 0);
  CHECK_F(DX("fclass.d %0, ft0", 0x000fffffffffffff, 0), 1 << 5, 0);
  CHECK_F(DX("fclass.d %0, ft0", ONE, 0), 1 << 6, 0);
  CHECK_F(DX("fclass.d %0, ft0", INF, 0), 1 << 7, 0);
  CHECK_F(DX("fclass.d %0, ft0", SNAN, 0), 1 << 8, 0);
  CHECK_F(DX("fclass.d %0, ft0", QNAN, 0), 1 << 9, 0);
  CHECK_F(D2("fsgnj.d ft2, ft0, ft1", ONE, NZERO), MINUS_ONE, 0);
  CHECK_F(D2("fsgnjn.d ft2, ft0, ft1", ONE, NZERO), ONE, 0);
  CHECK_F(D2("fsgnjx.d ft2, ft0, ft1", MINUS_ONE, NZERO), ONE, 0);
  CHECK_F(D2("fsgnjn.d ft2, ft0, ft1", SNAN, SNAN), 0xfff0000000000001, 0);

  section("fld/fsd and fmv.x.d/fmv.d.x move bits unchanged");
  static volatile u64 mem[2];
  mem[0] = SNAN;
  u64 v;
  asm volatile("fld ft5, 0(%1)\nfsd ft5, 8(%1)\nfmv.x.d %0, ft5" : "=r"(v) : "r"(mem) : "ft5", "memory");
  CHECK_EQ(v, SNAN);
  CHECK_EQ(mem[1], SNAN);
  return test_result();
}
