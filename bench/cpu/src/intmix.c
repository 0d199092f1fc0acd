/*
 * A Dhrystone-like integer mix of our own: records passed by pointer, a small state machine,
 * string copy/compare, array indexing, multiplication/division and calls, in one loop.
 */
#include "bench.h"

#define LOOPS 400000

struct record {
  struct record *next;
  int kind;
  int value;
  char name[32];
};

static struct record records[2];
static int table[64];
static char scratch[32];

static __attribute__((noinline)) int str_cmp(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return (unsigned char)*a - (unsigned char)*b;
}

static __attribute__((noinline)) void str_copy(char *d, const char *s) {
  while ((*d++ = *s++)) {
  }
}

static __attribute__((noinline)) int next_kind(int kind, int x) {
  switch (kind) {
  case 0: return x & 1 ? 1 : 2;
  case 1: return 3;
  case 2: return x % 3 == 0 ? 0 : 3;
  case 3: return (x >> 2) & 3;
  default: return 0;
  }
}

static __attribute__((noinline)) void update(struct record *r, int i) {
  r->value = r->value * 3 + i;
  r->kind = next_kind(r->kind, r->value);
  table[(r->value ^ i) & 63] += r->kind;
}

int main(void) {
  records[0].next = &records[1];
  records[1].next = &records[0];
  str_copy(records[0].name, "KINDLING RECORD, FIRST STRING");
  str_copy(records[1].name, "KINDLING RECORD, SECOND STRING");
  u64 acc = 0;
  struct record *r = &records[0];
  for (int i = 1; i <= LOOPS; i++) {
    update(r, i);
    int a = i * 7 + r->kind, b = (i % 13) + 1;
    acc += (u64)(a / b) + (u64)(a % b);
    str_copy(scratch, (i & 1) ? r->name : r->next->name);
    if (str_cmp(scratch, records[0].name) == 0) acc += 3;
    else acc ^= (u64)table[i & 63];
    r = r->next;
  }
  for (int i = 0; i < 64; i++) acc = acc * 33 + (u64)table[i];
  report("intmix", acc);
  return 0;
}
