/* Shared helpers for the conformance programs: CSR access, checks, expected traps, modes, printing. */
#ifndef TEST_H
#define TEST_H
#include "csr.h"

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;

#define csr_read(name) ({ u64 _v; asm volatile("csrr %0, " #name : "=r"(_v)::"memory"); _v; })
#define csr_write(name, v) asm volatile("csrw " #name ", %0" ::"r"((u64)(v)) : "memory")
#define csr_set(name, v) asm volatile("csrs " #name ", %0" ::"r"((u64)(v)) : "memory")
#define csr_clear(name, v) asm volatile("csrc " #name ", %0" ::"r"((u64)(v)) : "memory")
#define barrier() asm volatile("" ::: "memory")

#define MMIO32(addr) (*(volatile u32 *)(u64)(addr))
#define MMIO64(addr) (*(volatile u64 *)(u64)(addr))

/* Saved registers of the interrupted code: x[i] is register xi (x[2] = its sp). */
struct frame {
  u64 x[32];
};

/* What the last expected trap looked like. `armed` must be set for a synchronous trap to be legal. */
struct trap_record {
  volatile u64 armed;
  volatile u64 count;
  volatile u64 cause;
  volatile u64 epc;
  volatile u64 tval;
  volatile u64 prev_mode;
};
extern struct trap_record mtrap, strap;

/* Interrupt hooks must clear the interrupt source; unhandled interrupts end the test. */
extern void (*volatile m_irq_hook)(u64 code);
extern void (*volatile s_irq_hook)(u64 code);
extern volatile u64 m_irq_count[64], s_irq_count[64];
/* Interrupt codes in the order they were taken (M and S), for priority checks. */
extern volatile u64 irq_log[16];
extern volatile u64 irq_log_len;

void putch(char c);
void puts(const char *s);
void print_hex(u64 v);
void print_dec(u64 v);
void section(const char *name);
void check_fail(int line, const char *what, u64 got, u64 want, int has_values);
int test_result(void);
void test_exit(int code) __attribute__((noreturn));
void fatal(const char *why, u64 a, u64 b, u64 c) __attribute__((noreturn));

void trap_arm(struct trap_record *r);
/* QEMU 7.2 (mimpid 0x0702xx) has known deviations from the spec that some checks tolerate. */
int is_qemu_7_2(void);
/* Store/AMO fault cause expected from an AMO: QEMU 7.2 wrongly reports the load variant. */
u64 amo_cause(u64 store_cause);
u64 enter_mode(u64 mode, u64 (*fn)(u64), u64 arg);
void mode_exit(void);
extern char strap_entry[];
extern char trap_entry[];
extern char __free_ram[];

void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) check_fail(__LINE__, #cond, 0, 0, 0);                                             \
  } while (0)
#define CHECK_EQ(got, want)                                                                        \
  do {                                                                                             \
    u64 _g = (u64)(got), _w = (u64)(want);                                                         \
    if (_g != _w) check_fail(__LINE__, #got, _g, _w, 1);                                           \
  } while (0)

/* Run `stmt` expecting exactly one trap into M-mode with `cause`; `tval` is checked unless ~0. */
#define EXPECT_MTRAP(stmt, want_cause, want_tval)                                                  \
  do {                                                                                             \
    trap_arm(&mtrap);                                                                              \
    stmt;                                                                                          \
    barrier();                                                                                     \
    mtrap.armed = 0;                                                                               \
    CHECK_EQ(mtrap.count, 1);                                                                      \
    CHECK_EQ(mtrap.cause, want_cause);                                                             \
    if ((u64)(want_tval) != ~0ul) CHECK_EQ(mtrap.tval, want_tval);                                 \
  } while (0)

/* Instruction helpers that assemble exactly the named (uncompressed) instruction. */
#define RR(op, a, b)                                                                               \
  ({                                                                                               \
    u64 _r;                                                                                        \
    asm volatile(".option push\n.option norvc\n" op " %0, %1, %2\n.option pop"                     \
                 : "=r"(_r)                                                                        \
                 : "r"((u64)(a)), "r"((u64)(b)));                                                  \
    _r;                                                                                            \
  })
#define RI(op, a, imm)                                                                             \
  ({                                                                                               \
    u64 _r;                                                                                        \
    asm volatile(".option push\n.option norvc\n" op " %0, %1, %2\n.option pop"                     \
                 : "=r"(_r)                                                                        \
                 : "r"((u64)(a)), "i"(imm));                                                       \
    _r;                                                                                            \
  })

/* Sv39/Sv48 page tables (paging.c). Flags are the PTE low bits (V R W X U G A D). */
#define PTE_V 0x1
#define PTE_R 0x2
#define PTE_W 0x4
#define PTE_X 0x8
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define SATP_SV39 (8ul << 60)
#define SATP_SV48 (9ul << 60)
void *alloc_page(void);
/* Maps va -> pa with a leaf at `level` (0 = 4K, 1 = 2M, 2 = 1G, 3 = 512G) in a table of `levels`. */
u64 *map_page(u64 *root, int levels, u64 va, u64 pa, int level, u64 flags);
void sfence_vma(void);

#endif
