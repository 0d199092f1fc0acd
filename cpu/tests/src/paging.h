/* Helpers shared by the paging tests: run one access in S/U-mode and capture the M-mode trap. */
#ifndef PAGING_TEST_H
#define PAGING_TEST_H
#include "test.h"

static volatile u64 store_value;

static u64 do_load(u64 va) { return *(volatile u64 *)va; }
static u64 do_store(u64 va) {
  *(volatile u64 *)va = store_value;
  return 0;
}
static u64 do_call(u64 va) {
  u64 r;
  asm volatile("li a0, 0\njalr ra, 0(%1)\nmv %0, a0" : "=r"(r) : "r"(va) : "ra", "a0", "memory");
  return r;
}

struct outcome {
  u64 value;
  u64 cause; /* ~0 when nothing trapped */
  u64 tval;
  u64 epc;
};

static struct outcome attempt(u64 mode, u64 (*fn)(u64), u64 va) {
  struct outcome o;
  trap_arm(&mtrap);
  o.value = enter_mode(mode, fn, va);
  mtrap.armed = 0;
  o.cause = mtrap.count ? mtrap.cause : ~0ul;
  o.tval = mtrap.tval;
  o.epc = mtrap.epc;
  return o;
}

static void expect_value(u64 mode, u64 (*fn)(u64), u64 va, u64 want, int line) {
  struct outcome o = attempt(mode, fn, va);
  if (o.cause != ~0ul) {
    check_fail(line, "access trapped", o.cause, ~0ul, 1);
  } else if (fn != do_store && o.value != want) {
    check_fail(line, "value", o.value, want, 1);
  }
}

static void expect_fault(u64 mode, u64 (*fn)(u64), u64 va, u64 cause, int line) {
  struct outcome o = attempt(mode, fn, va);
  if (o.cause != cause) check_fail(line, "cause", o.cause, cause, 1);
  else if (o.tval != va) check_fail(line, "tval", o.tval, va, 1);
  else if (cause == CAUSE_FETCH_PAGE_FAULT && o.epc != va) check_fail(line, "epc", o.epc, va, 1);
}

#define LOAD_OK(mode, va, want) expect_value(mode, do_load, va, want, __LINE__)
#define STORE_OK(mode, va) expect_value(mode, do_store, va, 0, __LINE__)
#define CALL_OK(mode, va, want) expect_value(mode, do_call, va, want, __LINE__)
#define LOAD_FAULT(mode, va) expect_fault(mode, do_load, va, CAUSE_LOAD_PAGE_FAULT, __LINE__)
#define STORE_FAULT(mode, va) expect_fault(mode, do_store, va, CAUSE_STORE_PAGE_FAULT, __LINE__)
#define FETCH_FAULT(mode, va) expect_fault(mode, do_call, va, CAUSE_FETCH_PAGE_FAULT, __LINE__)

/* A page holding `li a0, 0x77; ret`, made visible to instruction fetch. */
static u64 *make_code_page(void) {
  u32 *code = alloc_page();
  code[0] = 0x07700513;
  code[1] = 0x00008067;
  asm volatile("fence.i" ::: "memory");
  return (u64 *)code;
}

#endif
