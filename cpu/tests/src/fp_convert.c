/* F/D conversions: float<->int saturation and flags, int->float rounding, single<->double. */
#include "fp.h"

#define S_ONE 0x3f800000u

/* FP (single in ft0 / double in ft0) to integer. */
#define S2I(insn, a) SX(insn, a, 0)
#define D2I(insn, a) DX(insn, a, 0)

int main(void) {
  section("fcvt.w.s / fcvt.wu.s: rounding, saturation, NaN");
  CHECK_F(S2I("fcvt.w.s %0, ft0, rtz", 0x406ccccd), 3, NX); /* 3.7 */
  CHECK_F(S2I("fcvt.w.s %0, ft0, rne", 0x406ccccd), 4, NX);
  CHECK_F(S2I("fcvt.w.s %0, ft0, rne", 0x40200000), 2, NX); /* 2.5 ties to even */
  CHECK_F(S2I("fcvt.w.s %0, ft0, rmm", 0x40200000), 3, NX);
  CHECK_F(S2I("fcvt.w.s %0, ft0, rdn", 0xc0200000), (u64)-3, NX);
  CHECK_F(S2I("fcvt.w.s %0, ft0, rup", 0xc0200000), (u64)-2, NX);
  CHECK_F(S2I("fcvt.w.s %0, ft0, rtz", 0x4f000000), 0x7fffffff, NV); /* 2^31 */
  CHECK_F(S2I("fcvt.w.s %0, ft0, rtz", 0xcf000000), 0xffffffff80000000, 0); /* -2^31 */
  CHECK_F(S2I("fcvt.w.s %0, ft0, rtz", 0xff800000), 0xffffffff80000000, NV);
  CHECK_F(S2I("fcvt.w.s %0, ft0, rtz", 0x7fc00000), 0x7fffffff, NV);
  CHECK_F(S2I("fcvt.wu.s %0, ft0, rtz", 0xbf800000), 0, NV);
  CHECK_F(S2I("fcvt.wu.s %0, ft0, rtz", 0xbe99999a), 0, NX); /* -0.3 rounds to 0: no NV */
  CHECK_F(S2I("fcvt.wu.s %0, ft0, rtz", 0x4f6e6b28), 0xffffffffee6b2800, 0); /* 4e9, sign-ext */
  CHECK_F(S2I("fcvt.wu.s %0, ft0, rtz", 0x7f800000), 0xffffffffffffffff, NV);

  section("fcvt.l/lu from single and double");
  CHECK_F(S2I("fcvt.l.s %0, ft0, rtz", 0x5f000000), 0x7fffffffffffffff, NV); /* 2^63 */
  CHECK_F(S2I("fcvt.l.s %0, ft0, rtz", 0xdf000000), 0x8000000000000000, 0);
  CHECK_F(S2I("fcvt.lu.s %0, ft0, rtz", 0x5f000000), 0x8000000000000000, 0);
  CHECK_F(S2I("fcvt.lu.s %0, ft0, rtz", 0x7fc00000), 0xffffffffffffffff, NV);
  CHECK_F(D2I("fcvt.l.d %0, ft0, rtz", 0x7ff8000000000000), 0x7fffffffffffffff, NV);
  CHECK_F(D2I("fcvt.l.d %0, ft0, rtz", 0xfff0000000000000), 0x8000000000000000, NV);
  CHECK_F(D2I("fcvt.l.d %0, ft0, rtz", 0xc1e0000000200000), 0xffffffff7fffffff, 0);
  CHECK_F(D2I("fcvt.lu.d %0, ft0, rtz", 0x7ff0000000000000), 0xffffffffffffffff, NV);
  CHECK_F(D2I("fcvt.lu.d %0, ft0, rtz", 0xbff0000000000000), 0, NV);
  CHECK_F(D2I("fcvt.lu.d %0, ft0, rup", 0x3fe0000000000000), 1, NX);
  CHECK_F(D2I("fcvt.w.d %0, ft0, rtz", 0x41dfffffffc00000), 0x7fffffff, 0);
  CHECK_F(D2I("fcvt.w.d %0, ft0, rtz", 0x41e0000000000000), 0x7fffffff, NV);
  CHECK_F(D2I("fcvt.w.d %0, ft0, rtz", 0xc1e0000000200000), 0xffffffff80000000, NV);
  CHECK_F(D2I("fcvt.wu.d %0, ft0, rtz", 0x41efffffffe00000), 0xffffffffffffffff, 0);
  CHECK_F(D2I("fcvt.wu.d %0, ft0, rne", 0x400c000000000000), 4, NX); /* 3.5 */

  section("integer to single/double");
  CHECK_F(XS("fcvt.s.w ft2, t0", (u64)-1), 0xbf800000, 0);
  CHECK_F(XS("fcvt.s.w ft2, t0", 0xffffffff00000001), S_ONE, 0); /* only the low word */
  CHECK_F(XS("fcvt.s.wu ft2, t0", 0xffffffff), 0x4f800000, NX);
  CHECK_F(XS("fcvt.s.wu ft2, t0, rtz", 0xffffffff), 0x4f7fffff, NX);
  CHECK_F(XS("fcvt.s.l ft2, t0", 0x20000001), 0x4e000000, NX);
  CHECK_F(XS("fcvt.s.l ft2, t0, rup", 0x20000001), 0x4e000001, NX);
  CHECK_F(XS("fcvt.s.l ft2, t0", 0x8000000000000000), 0xdf000000, 0);
  CHECK_F(XS("fcvt.s.lu ft2, t0", 0xffffffffffffffff), 0x5f800000, NX);
  CHECK_F(XD("fcvt.d.w ft2, t0", 0x80000000), 0xc1e0000000000000, 0);
  CHECK_F(XD("fcvt.d.wu ft2, t0", 0x80000000), 0x41e0000000000000, 0);
  CHECK_F(XD("fcvt.d.l ft2, t0", 0x20000000000001), 0x4340000000000000, NX);
  CHECK_F(XD("fcvt.d.l ft2, t0, rup", 0x20000000000001), 0x4340000000000001, NX);
  CHECK_F(XD("fcvt.d.lu ft2, t0", 0xffffffffffffffff), 0x43f0000000000000, NX);
  CHECK_F(XD("fcvt.d.l ft2, t0", 0), 0, 0);

  section("single <-> double");
  CHECK_F(DS("fcvt.s.d ft2, ft0", 0x3fb999999999999a), 0x3dcccccd, NX); /* 0.1 */
  CHECK_F(DS("fcvt.s.d ft2, ft0, rtz", 0x3fb999999999999a), 0x3dcccccc, NX);
  CHECK_F(DS("fcvt.s.d ft2, ft0", 0x7e37e43c8800759c), 0x7f800000, OF | NX); /* 1e300 */
  CHECK_F(DS("fcvt.s.d ft2, ft0, rtz", 0x7e37e43c8800759c), 0x7f7fffff, OF | NX);
  CHECK_F(DS("fcvt.s.d ft2, ft0", 0x7ff0000000000001), 0x7fc00000, NV);
  CHECK_F(DS("fcvt.s.d ft2, ft0", 0x3800000000000000), 0x00400000, 0); /* 2^-127: exact */
  CHECK_F(DS("fcvt.s.d ft2, ft0", 0x3690000000000000), 0, UF | NX);     /* 2^-150: tie to 0 */
  CHECK_F(SD("fcvt.d.s ft2, ft0", 0x7f800001), 0x7ff8000000000000, NV);
  CHECK_F(SD("fcvt.d.s ft2, ft0", 0x7fc12345), 0x7ff8000000000000, 0);
  CHECK_F(SD("fcvt.d.s ft2, ft0", 0x00000001), 0x36a0000000000000, 0);
  CHECK_F(SD("fcvt.d.s ft2, ft0", 0xbf800000), 0xbff0000000000000, 0);
  CHECK_F(SD("fcvt.d.s ft2, ft0", 0xff800000), 0xfff0000000000000, 0);
  return test_result();
}
