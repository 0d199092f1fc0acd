/* Printing, checks, and the C side of the trap handlers shared by every conformance program. */
#include "test.h"

struct trap_record mtrap, strap;
void (*volatile m_irq_hook)(u64 code);
void (*volatile s_irq_hook)(u64 code);
volatile u64 m_irq_count[64], s_irq_count[64];
volatile u64 irq_log[16];
volatile u64 irq_log_len;
extern u64 mode_saved_sp;
extern char mode_return[];

static int first_failure;
static int failures;

void *memset(void *d, int c, unsigned long n) {
  volatile u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}

void *memcpy(void *d, const void *s, unsigned long n) {
  volatile u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}

void putch(char c) {
  volatile u8 *uart = (volatile u8 *)UART_THR;
  while ((uart[5] & 0x20) == 0) {
  }
  uart[0] = (u8)c;
}

void puts(const char *s) {
  while (*s) putch(*s++);
}

void print_hex(u64 v) {
  puts("0x");
  for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}

void print_dec(u64 v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) putch(buf[--n]);
}

void section(const char *name) {
  puts("-- ");
  puts(name);
  putch('\n');
}

/* Exit codes are taken modulo 256 by the OS: map a line number to 2..255 (1 = fatal). */
static int line_code(int line) { return (line - 1) % 254 + 2; }

void check_fail(int line, const char *what, u64 got, u64 want, int has_values) {
  puts("FAIL line ");
  print_dec((u64)line);
  puts(": ");
  puts(what);
  if (has_values) {
    puts(" got ");
    print_hex(got);
    puts(" want ");
    print_hex(want);
  }
  putch('\n');
  if (!failures) first_failure = line_code(line);
  failures++;
}

int test_result(void) { return failures ? first_failure : 0; }

/* Waits until the UART has sent everything (LSR.TEMT): the finisher ends the machine at once, and
 * a UART still shifting a byte out loses it (seen on QEMU, whose console lost "S\n" of "PASS"). */
static void uart_flush(void) {
  volatile u8 *uart = (volatile u8 *)UART_THR;
  while ((uart[5] & 0x40) == 0) {
  }
}

void test_exit(int code) {
  if (code == 0) {
    puts("PASS\n");
    uart_flush();
    MMIO32(FINISHER) = 0x5555;
  } else {
    puts("FAILED (");
    print_dec((u64)failures);
    puts(" checks), exit code ");
    print_dec((u64)code);
    putch('\n');
    uart_flush();
    MMIO32(FINISHER) = ((u32)code << 16) | 0x3333;
  }
  for (;;) {
  }
}

void fatal(const char *why, u64 a, u64 b, u64 c) {
  puts("FAIL fatal: ");
  puts(why);
  puts(" cause=");
  print_hex(a);
  puts(" epc=");
  print_hex(b);
  puts(" tval=");
  print_hex(c);
  putch('\n');
  failures++;
  test_exit(1);
}

void trap_arm(struct trap_record *r) {
  r->count = 0;
  r->cause = ~0ul;
  r->epc = ~0ul;
  r->tval = ~0ul;
  r->prev_mode = ~0ul;
  barrier();
  r->armed = 1;
  barrier();
}

int is_qemu_7_2(void) { return (csr_read(mimpid) >> 8) == 0x702; }

u64 amo_cause(u64 store_cause) { return is_qemu_7_2() ? store_cause - 2 : store_cause; }

/* Fetch faults resume at ra (tests reach bad code with a call); others skip the instruction. */
static u64 resume_pc(u64 cause, u64 epc, struct frame *f) {
  if (cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS ||
      cause == CAUSE_FETCH_PAGE_FAULT)
    return f->x[1];
  u16 low = *(volatile u16 *)epc;
  return epc + ((low & 3) == 3 ? 4 : 2);
}

static void log_irq(u64 code) {
  if (irq_log_len < 16) irq_log[irq_log_len] = code;
  irq_log_len++;
}

void m_trap_handler(struct frame *f) {
  u64 cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval);
  if ((i64)cause < 0) {
    u64 code = cause & 63;
    m_irq_count[code]++;
    log_irq(code);
    if (!m_irq_hook) fatal("unexpected M interrupt", cause, epc, tval);
    m_irq_hook(code);
    return;
  }
  if ((cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL) &&
      f->x[17] == MODE_EXIT_MAGIC) {
    f->x[2] = mode_saved_sp;
    csr_write(mepc, (u64)mode_return);
    csr_set(mstatus, MSTATUS_MPP);
    return;
  }
  if (!mtrap.armed) fatal("unexpected M trap", cause, epc, tval);
  mtrap.count++;
  mtrap.cause = cause;
  mtrap.epc = epc;
  mtrap.tval = tval;
  mtrap.prev_mode = (csr_read(mstatus) >> 11) & 3;
  if (mtrap.count > 8) fatal("trap loop", cause, epc, tval);
  csr_write(mepc, resume_pc(cause, epc, f));
}

void s_trap_handler(struct frame *f) {
  u64 cause = csr_read(scause), epc = csr_read(sepc), tval = csr_read(stval);
  if ((i64)cause < 0) {
    u64 code = cause & 63;
    s_irq_count[code]++;
    log_irq(code);
    if (!s_irq_hook) fatal("unexpected S interrupt", cause, epc, tval);
    s_irq_hook(code);
    return;
  }
  if (cause == CAUSE_USER_ECALL && f->x[17] == MODE_EXIT_MAGIC) {
    /* A delegated U-mode exit: pass it on to M-mode, which returns to enter_mode's caller. */
    register u64 a7 asm("a7") = MODE_EXIT_MAGIC;
    asm volatile("ecall" ::"r"(a7));
  }
  if (!strap.armed) fatal("unexpected S trap", cause, epc, tval);
  strap.count++;
  strap.cause = cause;
  strap.epc = epc;
  strap.tval = tval;
  strap.prev_mode = (csr_read(sstatus) >> 8) & 1;
  if (strap.count > 8) fatal("S trap loop", cause, epc, tval);
  csr_write(sepc, resume_pc(cause, epc, f));
}
