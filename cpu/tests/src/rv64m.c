/* RV64M: every multiply/divide instruction incl. division by zero and INT_MIN / -1 overflow. */
#include "test.h"

#define MIN64 0x8000000000000000ul
#define MIN32 0xffffffff80000000ul

int main(void) {
  section("mul/mulh/mulhsu/mulhu");
  CHECK_EQ(RR("mul", 7, -3), (u64)-21);
  CHECK_EQ(RR("mul", 0x100000001, 0x100000001), 0x200000001);
  CHECK_EQ(RR("mulh", -1, -1), 0);
  CHECK_EQ(RR("mulh", MIN64, MIN64), 0x4000000000000000);
  CHECK_EQ(RR("mulh", MIN64, 2), (u64)-1);
  CHECK_EQ(RR("mulh", 0x7fffffffffffffff, 0x7fffffffffffffff), 0x3fffffffffffffff);
  CHECK_EQ(RR("mulhu", -1, -1), 0xfffffffffffffffe);
  CHECK_EQ(RR("mulhu", MIN64, 2), 1);
  CHECK_EQ(RR("mulhu", 0x123456789abcdef0, 0xfedcba9876543210), 0x121fa00ad77d7422);
  CHECK_EQ(RR("mulhsu", -1, -1), (u64)-1);
  CHECK_EQ(RR("mulhsu", -2, 3), (u64)-1);
  CHECK_EQ(RR("mulhsu", 2, -1), 1);
  CHECK_EQ(RR("mulhsu", MIN64, -1), 0x8000000000000000);

  section("mulw");
  CHECK_EQ(RR("mulw", 0x10000, 0x8000), MIN32);
  CHECK_EQ(RR("mulw", 0xffffffff00000003, 5), 15);
  CHECK_EQ(RR("mulw", -1, 1), (u64)-1);

  section("div/divu/rem/remu");
  CHECK_EQ(RR("div", 20, 6), 3);
  CHECK_EQ(RR("div", -20, 6), (u64)-3);
  CHECK_EQ(RR("div", 20, -6), (u64)-3);
  CHECK_EQ(RR("div", -20, -6), 3);
  CHECK_EQ(RR("rem", -20, 6), (u64)-2);
  CHECK_EQ(RR("rem", 20, -6), 2);
  CHECK_EQ(RR("divu", -20, 6), 0x2aaaaaaaaaaaaaa7);
  CHECK_EQ(RR("remu", -20, 6), 2);

  section("division by zero");
  CHECK_EQ(RR("div", 5, 0), (u64)-1);
  CHECK_EQ(RR("div", -5, 0), (u64)-1);
  CHECK_EQ(RR("divu", 5, 0), (u64)-1);
  CHECK_EQ(RR("rem", -5, 0), (u64)-5);
  CHECK_EQ(RR("remu", 5, 0), 5);
  CHECK_EQ(RR("divw", 5, 0xffffffff00000000), (u64)-1);
  CHECK_EQ(RR("divuw", 5, 0), (u64)-1);
  CHECK_EQ(RR("remw", 0x1fffffffb, 0), (u64)-5);
  CHECK_EQ(RR("remuw", 0x1fffffffb, 0), (u64)-5);
  CHECK_EQ(RR("remuw", 0x17ffffffb, 0x100000000), 0x7ffffffb);

  section("overflow INT_MIN / -1");
  CHECK_EQ(RR("div", MIN64, -1), MIN64);
  CHECK_EQ(RR("rem", MIN64, -1), 0);
  CHECK_EQ(RR("divw", 0x80000000, -1), MIN32);
  CHECK_EQ(RR("remw", 0x80000000, -1), 0);
  CHECK_EQ(RR("divu", MIN64, -1), 0);
  CHECK_EQ(RR("remu", MIN64, -1), MIN64);

  section("W forms use the low 32 bits and sign-extend");
  CHECK_EQ(RR("divw", 0x100000014, 0x200000006), 3);
  CHECK_EQ(RR("divw", -20, 6), (u64)-3);
  CHECK_EQ(RR("divuw", -20, 6), 0x2aaaaaa7);
  CHECK_EQ(RR("divuw", 0xfffffffe, 1), 0xfffffffffffffffe);
  CHECK_EQ(RR("remw", -20, 6), (u64)-2);
  CHECK_EQ(RR("remuw", -20, 6), 2);
  CHECK_EQ(RR("remuw", 0xffffffff, 0x7fffffff), 1);
  return test_result();
}
