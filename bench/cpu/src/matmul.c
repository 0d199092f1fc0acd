/* Double-precision matrix multiply C = A * B (N x N), repeated; checksum of C's bits. */
#include "bench.h"

#define N 128
#define REPEAT 6

static double a[N][N], b[N][N], c[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (double)(long)(rng_next() % 2001 - 1000) / 64.0;
      b[i][j] = (double)(long)(rng_next() % 2001 - 1000) / 128.0;
    }
  for (int rep = 0; rep < REPEAT; rep++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) c[i][j] = 0;
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        double aik = a[i][k];
        for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
      }
    for (int i = 0; i < N; i++) a[i][(i + rep) % N] += 1.0 / 3.0;
  }
  u64 sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      union {
        double d;
        u64 u;
      } bits = {c[i][j]};
      sum = sum * 1099511628211ul ^ bits.u;
    }
  report("matmul", sum);
  return 0;
}
