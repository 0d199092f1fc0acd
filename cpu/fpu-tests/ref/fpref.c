/*
 * Reference oracle for the Kindling FPU tests: reads one operation per line from stdin,
 *   <op> <rm> <a> [<b> [<c>]]        (op = FPU API name, rm = 0..4, operands in hex)
 * executes the matching RISC-V F/D instruction with that dynamic rounding mode, and prints
 *   <op> <rm> <a> [<b> [<c>]] <result> <fflags>   (hex)
 * Freestanding (no libc headers needed): built with
 *   riscv64-linux-gnu-gcc -static -O2 -nostdlib -ffreestanding -march=rv64gc -mabi=lp64d
 * and run under qemu-riscv64 (or real hardware) by gen-vectors.ts. Operands and results are raw
 * bit patterns; 32-bit integer results are printed as the 32-bit pattern the instruction writes
 * (before sign extension).
 */
typedef unsigned long long u64;

#define SETUP(rm) __asm__ volatile("fsrm %0\n\tfsflags zero" ::"r"(rm))
#define FLAGS(out) __asm__ volatile("frflags %0" : "=r"(out))

/* Binary F op: fa, fb -> f */
#define S_BIN(insn)                                                                   \
  {                                                                                   \
    float fa, fb, fr;                                                                 \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fa) : "r"(a));                           \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fb) : "r"(b));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1, %2" : "=f"(fr) : "f"(fa), "f"(fb));               \
    FLAGS(fl);                                                                        \
    __asm__ volatile("fmv.x.w %0, %1" : "=r"(r) : "f"(fr));                           \
    r &= 0xffffffffu;                                                                 \
  }
#define D_BIN(insn)                                                                   \
  {                                                                                   \
    double fa, fb, fr;                                                                \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fa) : "r"(a));                           \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fb) : "r"(b));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1, %2" : "=f"(fr) : "f"(fa), "f"(fb));               \
    FLAGS(fl);                                                                        \
    __asm__ volatile("fmv.x.d %0, %1" : "=r"(r) : "f"(fr));                           \
  }
#define S_CMP(insn)                                                                   \
  {                                                                                   \
    float fa, fb;                                                                     \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fa) : "r"(a));                           \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fb) : "r"(b));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "f"(fa), "f"(fb));                \
    FLAGS(fl);                                                                        \
  }
#define D_CMP(insn)                                                                   \
  {                                                                                   \
    double fa, fb;                                                                    \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fa) : "r"(a));                           \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fb) : "r"(b));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "f"(fa), "f"(fb));                \
    FLAGS(fl);                                                                        \
  }
#define S_FMA                                                                         \
  {                                                                                   \
    float fa, fb, fc, fr;                                                             \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fa) : "r"(a));                           \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fb) : "r"(b));                           \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fc) : "r"(c));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile("fmadd.s %0, %1, %2, %3" : "=f"(fr) : "f"(fa), "f"(fb), "f"(fc)); \
    FLAGS(fl);                                                                        \
    __asm__ volatile("fmv.x.w %0, %1" : "=r"(r) : "f"(fr));                           \
    r &= 0xffffffffu;                                                                 \
  }
#define D_FMA                                                                         \
  {                                                                                   \
    double fa, fb, fc, fr;                                                            \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fa) : "r"(a));                           \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fb) : "r"(b));                           \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fc) : "r"(c));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile("fmadd.d %0, %1, %2, %3" : "=f"(fr) : "f"(fa), "f"(fb), "f"(fc)); \
    FLAGS(fl);                                                                        \
    __asm__ volatile("fmv.x.d %0, %1" : "=r"(r) : "f"(fr));                           \
  }
/* Unary float -> float */
#define S_UN(insn, dsttype, mvout, mask)                                              \
  {                                                                                   \
    float fa;                                                                         \
    dsttype fr;                                                                       \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fa) : "r"(a));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1" : "=f"(fr) : "f"(fa));                            \
    FLAGS(fl);                                                                        \
    __asm__ volatile(mvout " %0, %1" : "=r"(r) : "f"(fr));                            \
    r &= mask;                                                                        \
  }
#define D_UN(insn, dsttype, mvout, mask)                                              \
  {                                                                                   \
    double fa;                                                                        \
    dsttype fr;                                                                       \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fa) : "r"(a));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1" : "=f"(fr) : "f"(fa));                            \
    FLAGS(fl);                                                                        \
    __asm__ volatile(mvout " %0, %1" : "=r"(r) : "f"(fr));                            \
    r &= mask;                                                                        \
  }
/* Float -> integer register (fcvt.*.s/d, fclass) */
#define S_TOX(insn, mask)                                                             \
  {                                                                                   \
    float fa;                                                                         \
    __asm__ volatile("fmv.w.x %0, %1" : "=f"(fa) : "r"(a));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1" : "=r"(r) : "f"(fa));                             \
    FLAGS(fl);                                                                        \
    r &= mask;                                                                        \
  }
#define D_TOX(insn, mask)                                                             \
  {                                                                                   \
    double fa;                                                                        \
    __asm__ volatile("fmv.d.x %0, %1" : "=f"(fa) : "r"(a));                           \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1" : "=r"(r) : "f"(fa));                             \
    FLAGS(fl);                                                                        \
    r &= mask;                                                                        \
  }
/* Integer register -> float */
#define S_FROMX(insn)                                                                 \
  {                                                                                   \
    float fr;                                                                         \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1" : "=f"(fr) : "r"(a));                             \
    FLAGS(fl);                                                                        \
    __asm__ volatile("fmv.x.w %0, %1" : "=r"(r) : "f"(fr));                           \
    r &= 0xffffffffu;                                                                 \
  }
#define D_FROMX(insn)                                                                 \
  {                                                                                   \
    double fr;                                                                        \
    SETUP(rm);                                                                        \
    __asm__ volatile(insn " %0, %1" : "=f"(fr) : "r"(a));                             \
    FLAGS(fl);                                                                        \
    __asm__ volatile("fmv.x.d %0, %1" : "=r"(r) : "f"(fr));                           \
  }

/* Freestanding string compare: 0 when equal, like the libc one. */
static int str_cmp(const char *x, const char *y) {
  while (*x && *x == *y) x++, y++;
  return (unsigned char)*x - (unsigned char)*y;
}

#define M32 0xffffffffull
#define M64 0xffffffffffffffffull

static int run(const char *op, u64 rm, u64 a, u64 b, u64 c, u64 *res, u64 *flags) {
  u64 r = 0, fl = 0;
  (void)c;
  if (!str_cmp(op, "f32_add")) S_BIN("fadd.s")
  else if (!str_cmp(op, "f32_sub")) S_BIN("fsub.s")
  else if (!str_cmp(op, "f32_mul")) S_BIN("fmul.s")
  else if (!str_cmp(op, "f32_div")) S_BIN("fdiv.s")
  else if (!str_cmp(op, "f32_min")) S_BIN("fmin.s")
  else if (!str_cmp(op, "f32_max")) S_BIN("fmax.s")
  else if (!str_cmp(op, "f32_eq")) S_CMP("feq.s")
  else if (!str_cmp(op, "f32_lt")) S_CMP("flt.s")
  else if (!str_cmp(op, "f32_le")) S_CMP("fle.s")
  else if (!str_cmp(op, "f32_fma")) S_FMA
  else if (!str_cmp(op, "f32_sqrt")) S_UN("fsqrt.s", float, "fmv.x.w", M32)
  else if (!str_cmp(op, "f32_class")) S_TOX("fclass.s", M64)
  else if (!str_cmp(op, "f32_to_i32")) S_TOX("fcvt.w.s %0, %1, dyn\n\t#", M32)
  else if (!str_cmp(op, "f32_to_u32")) S_TOX("fcvt.wu.s %0, %1, dyn\n\t#", M32)
  else if (!str_cmp(op, "f32_to_i64")) S_TOX("fcvt.l.s %0, %1, dyn\n\t#", M64)
  else if (!str_cmp(op, "f32_to_u64")) S_TOX("fcvt.lu.s %0, %1, dyn\n\t#", M64)
  else if (!str_cmp(op, "i32_to_f32")) S_FROMX("fcvt.s.w")
  else if (!str_cmp(op, "u32_to_f32")) S_FROMX("fcvt.s.wu")
  else if (!str_cmp(op, "i64_to_f32")) S_FROMX("fcvt.s.l")
  else if (!str_cmp(op, "u64_to_f32")) S_FROMX("fcvt.s.lu")
  else if (!str_cmp(op, "f64_add")) D_BIN("fadd.d")
  else if (!str_cmp(op, "f64_sub")) D_BIN("fsub.d")
  else if (!str_cmp(op, "f64_mul")) D_BIN("fmul.d")
  else if (!str_cmp(op, "f64_div")) D_BIN("fdiv.d")
  else if (!str_cmp(op, "f64_min")) D_BIN("fmin.d")
  else if (!str_cmp(op, "f64_max")) D_BIN("fmax.d")
  else if (!str_cmp(op, "f64_eq")) D_CMP("feq.d")
  else if (!str_cmp(op, "f64_lt")) D_CMP("flt.d")
  else if (!str_cmp(op, "f64_le")) D_CMP("fle.d")
  else if (!str_cmp(op, "f64_fma")) D_FMA
  else if (!str_cmp(op, "f64_sqrt")) D_UN("fsqrt.d", double, "fmv.x.d", M64)
  else if (!str_cmp(op, "f64_class")) D_TOX("fclass.d", M64)
  else if (!str_cmp(op, "f64_to_i32")) D_TOX("fcvt.w.d %0, %1, dyn\n\t#", M32)
  else if (!str_cmp(op, "f64_to_u32")) D_TOX("fcvt.wu.d %0, %1, dyn\n\t#", M32)
  else if (!str_cmp(op, "f64_to_i64")) D_TOX("fcvt.l.d %0, %1, dyn\n\t#", M64)
  else if (!str_cmp(op, "f64_to_u64")) D_TOX("fcvt.lu.d %0, %1, dyn\n\t#", M64)
  else if (!str_cmp(op, "i32_to_f64")) D_FROMX("fcvt.d.w")
  else if (!str_cmp(op, "u32_to_f64")) D_FROMX("fcvt.d.wu")
  else if (!str_cmp(op, "i64_to_f64")) D_FROMX("fcvt.d.l")
  else if (!str_cmp(op, "u64_to_f64")) D_FROMX("fcvt.d.lu")
  else if (!str_cmp(op, "f32_to_f64")) S_UN("fcvt.d.s", double, "fmv.x.d", M64)
  else if (!str_cmp(op, "f64_to_f32")) D_UN("fcvt.s.d", float, "fmv.x.w", M32)
  else return 0;
  *res = r;
  *flags = fl;
  return 1;
}

/* ---- minimal runtime: Linux syscalls, string compare, hex I/O ---- */
static long sys3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static char in[1 << 16], out[1 << 16];
static long inLen, inPos, outLen;
static int nextChar(void) {
  if (inPos == inLen) {
    inLen = sys3(63 /* read */, 0, (long)in, sizeof in);
    inPos = 0;
    if (inLen <= 0) return -1;
  }
  return in[inPos++];
}
static void flush(void) {
  long done = 0;
  while (done < outLen) done += sys3(64 /* write */, 1, (long)out + done, outLen - done);
  outLen = 0;
}
static void put(char ch) {
  if (outLen == sizeof out) flush();
  out[outLen++] = ch;
}
static void putStr(const char *str) {
  while (*str) put(*str++);
}
static void putHex(u64 v) {
  char tmp[16];
  int n = 0;
  do tmp[n++] = "0123456789abcdef"[v & 15], v >>= 4;
  while (v);
  put(' ');
  while (n) put(tmp[--n]);
}
static int hexDigit(int ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

void _start(void) {
  char line[256];
  for (;;) {
    int len = 0, ch;
    while ((ch = nextChar()) >= 0 && ch != '\n')
      if (len < (int)sizeof line - 1) line[len++] = (char)ch;
    line[len] = 0;
    if (len > 0) {
      /* fields: op rm a [b [c]] */
      char op[32];
      u64 v[4] = {0, 0, 0, 0};
      int i = 0, o = 0, nf = 0;
      while (line[i] && line[i] != ' ' && o < 31) op[o++] = line[i++];
      op[o] = 0;
      while (line[i] && nf < 4) {
        while (line[i] == ' ') i++;
        if (!line[i]) break;
        u64 x = 0;
        int d;
        while ((d = hexDigit(line[i])) >= 0) x = (x << 4) | (u64)d, i++;
        v[nf++] = x;
      }
      u64 res, fl;
      if (!run(op, v[0], v[1], v[2], v[3], &res, &fl)) {
        flush();
        sys3(64, 2, (long)"unknown op\n", 11);
        sys3(93 /* exit */, 2, 0, 0);
      }
      putStr(line);
      putHex(res);
      putHex(fl);
      put('\n');
    }
    if (ch < 0) break;
  }
  flush();
  sys3(93, 0, 0, 0);
}
