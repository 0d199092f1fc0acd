/* Compiler-generated RV64GC code on small algorithms whose answers are well known. */
#include "test.h"

static u8 sieve[100000];

static u64 count_primes(u64 n) {
  u64 count = 0;
  for (u64 i = 2; i < n; i++) sieve[i] = 1;
  for (u64 i = 2; i * i < n; i++)
    if (sieve[i])
      for (u64 j = i * i; j < n; j += i) sieve[j] = 0;
  for (u64 i = 2; i < n; i++) count += sieve[i];
  return count;
}

static u64 fib(int n) {
  u64 a = 0, b = 1;
  while (n--) {
    u64 t = a + b;
    a = b;
    b = t;
  }
  return a;
}

static u64 ackermann(u64 m, u64 n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static int queens(int row, int n, u32 cols, u32 diag1, u32 diag2) {
  if (row == n) return 1;
  int total = 0;
  for (int c = 0; c < n; c++) {
    if ((cols >> c & 1) || (diag1 >> (row + c) & 1) || (diag2 >> (row - c + n) & 1)) continue;
    total += queens(row + 1, n, cols | 1u << c, diag1 | 1u << (row + c), diag2 | 1u << (row - c + n));
  }
  return total;
}

static u64 gcd(u64 a, u64 b) {
  while (b) {
    u64 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static u64 collatz_steps(u64 n) {
  u64 steps = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}

static double newton_sqrt(double x) {
  double g = x / 2;
  for (int i = 0; i < 30; i++) g = (g + x / g) / 2;
  return g;
}

int main(void) {
  section("integer algorithms");
  CHECK_EQ(count_primes(100000), 9592);
  CHECK_EQ(fib(90), 2880067194370816120ul);
  CHECK_EQ(ackermann(2, 3), 9);
  CHECK_EQ(ackermann(3, 3), 61);
  CHECK_EQ(queens(0, 8, 0, 0, 0), 92);
  CHECK_EQ(gcd(1071, 462), 21);
  CHECK_EQ(collatz_steps(27), 111);
  u64 fact = 1;
  for (u64 i = 2; i <= 20; i++) fact *= i;
  CHECK_EQ(fact, 2432902008176640000ul);
  u64 squares = 0;
  for (u64 i = 1; i <= 100000; i++) squares += i * i;
  CHECK_EQ(squares, 333338333350000ul);
  volatile u64 big = ~0ul;
  unsigned __int128 p = (unsigned __int128)big * big;
  CHECK_EQ((u64)(p >> 64), 0xfffffffffffffffe);
  CHECK_EQ((u64)p, 1);
  volatile u64 x = 1000000007ul * 998244353ul;
  CHECK_EQ(x / 1000000007ul, 998244353ul);
  CHECK_EQ(x % 998244353ul, 0);
  volatile i32 neg = -7;
  CHECK_EQ((i64)(neg / 2), (u64)-3);
  CHECK_EQ((i64)(neg % 2), (u64)-1);
  CHECK_EQ((u64)(neg >> 1), (u64)-4);

  section("string handling");
  char s[] = "kindling microvm";
  int n = 0;
  while (s[n]) n++;
  for (int i = 0, j = n - 1; i < j; i++, j--) {
    char t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  const char *want = "mvorcim gnildnik";
  for (int i = 0; i <= n; i++) CHECK_EQ(s[i], want[i]);

  section("double arithmetic");
  volatile double two = 2.0;
  double r = newton_sqrt(two);
  union {
    double d;
    u64 u;
  } bits = {r};
  CHECK(bits.u == 0x3ff6a09e667f3bcd || bits.u == 0x3ff6a09e667f3bcc); /* within 1 ulp */
  volatile double third = 1.0 / 3.0;
  CHECK_EQ((i64)(third * 3000000.0), 1000000);
  volatile float f = 0.1f;
  double acc = 0;
  for (int i = 0; i < 10; i++) acc += f;
  CHECK((acc > 1.0000000149) && (acc < 1.0000000150));
  return test_result();
}
