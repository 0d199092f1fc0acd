/* Shared by the CPU benchmarks: deterministic PRNG and result printing (uses cpu/tests/common). */
#ifndef BENCH_H
#define BENCH_H
#include "test.h"

static u64 rng_state = 0x9e3779b97f4a7c15ul;

static u64 rng_next(void) {
  u64 x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return x;
}

static void report(const char *name, u64 checksum) {
  puts(name);
  puts(" checksum ");
  print_hex(checksum);
  putch('\n');
}

#endif
