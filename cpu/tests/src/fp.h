/* Helpers for the F/D tests: run one FP instruction on bit patterns and capture fflags. */
#ifndef FP_TEST_H
#define FP_TEST_H
#include "test.h"

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16

static volatile u64 flags;

/* Single precision: inputs moved with fmv.w.x (NaN-boxed), result read with fmv.x.w. */
#define S1(insn, a)                                                                                \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.w.x ft0, %2\n" insn "\nfmv.x.w %0, ft2\nfrflags %1"              \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a))                                                                   \
                 : "ft0", "ft2");                                                                  \
    flags = _f;                                                                                    \
    (u32)_r;                                                                                       \
  })
#define S2(insn, a, b)                                                                             \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.w.x ft0, %2\nfmv.w.x ft1, %3\n" insn                             \
                 "\nfmv.x.w %0, ft2\nfrflags %1"                                                   \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a)), "r"((u64)(b))                                                    \
                 : "ft0", "ft1", "ft2");                                                           \
    flags = _f;                                                                                    \
    (u32)_r;                                                                                       \
  })
#define S3(insn, a, b, c)                                                                          \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.w.x ft0, %2\nfmv.w.x ft1, %3\nfmv.w.x ft3, %4\n" insn            \
                 "\nfmv.x.w %0, ft2\nfrflags %1"                                                   \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a)), "r"((u64)(b)), "r"((u64)(c))                                     \
                 : "ft0", "ft1", "ft2", "ft3");                                                    \
    flags = _f;                                                                                    \
    (u32)_r;                                                                                       \
  })
/* Single inputs, integer result in a0-like register (compares, fclass, fcvt to int). */
#define SX(insn, a, b)                                                                             \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.w.x ft0, %2\nfmv.w.x ft1, %3\n" insn "\nfrflags %1"              \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a)), "r"((u64)(b))                                                    \
                 : "ft0", "ft1");                                                                  \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })

/* Double precision equivalents with fmv.d.x / fmv.x.d. */
#define D1(insn, a)                                                                                \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.d.x ft0, %2\n" insn "\nfmv.x.d %0, ft2\nfrflags %1"              \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a))                                                                   \
                 : "ft0", "ft2");                                                                  \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })
#define D2(insn, a, b)                                                                             \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.d.x ft0, %2\nfmv.d.x ft1, %3\n" insn                             \
                 "\nfmv.x.d %0, ft2\nfrflags %1"                                                   \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a)), "r"((u64)(b))                                                    \
                 : "ft0", "ft1", "ft2");                                                           \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })
#define D3(insn, a, b, c)                                                                          \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.d.x ft0, %2\nfmv.d.x ft1, %3\nfmv.d.x ft3, %4\n" insn            \
                 "\nfmv.x.d %0, ft2\nfrflags %1"                                                   \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a)), "r"((u64)(b)), "r"((u64)(c))                                     \
                 : "ft0", "ft1", "ft2", "ft3");                                                    \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })
#define DX(insn, a, b)                                                                             \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.d.x ft0, %2\nfmv.d.x ft1, %3\n" insn "\nfrflags %1"              \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a)), "r"((u64)(b))                                                    \
                 : "ft0", "ft1");                                                                  \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })
/* Integer input a, FP result in ft2 read as single (XS) or double (XD). */
#define XS(insn, a)                                                                                \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nmv t0, %2\n" insn "\nfmv.x.w %0, ft2\nfrflags %1"                    \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a))                                                                   \
                 : "t0", "ft2");                                                                   \
    flags = _f;                                                                                    \
    (u32)_r;                                                                                       \
  })
#define XD(insn, a)                                                                                \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nmv t0, %2\n" insn "\nfmv.x.d %0, ft2\nfrflags %1"                    \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a))                                                                   \
                 : "t0", "ft2");                                                                   \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })

/* Double in, single out (DS) and single in, double out (SD). */
#define DS(insn, a)                                                                                \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.d.x ft0, %2\n" insn "\nfmv.x.w %0, ft2\nfrflags %1"              \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a))                                                                   \
                 : "ft0", "ft2");                                                                  \
    flags = _f;                                                                                    \
    (u32)_r;                                                                                       \
  })
#define SD(insn, a)                                                                                \
  ({                                                                                               \
    u64 _r, _f;                                                                                    \
    asm volatile("fsflags x0\nfmv.w.x ft0, %2\n" insn "\nfmv.x.d %0, ft2\nfrflags %1"              \
                 : "=r"(_r), "=r"(_f)                                                              \
                 : "r"((u64)(a))                                                                   \
                 : "ft0", "ft2");                                                                  \
    flags = _f;                                                                                    \
    _r;                                                                                            \
  })

#define CHECK_F(expr, want, want_flags)                                                            \
  do {                                                                                             \
    CHECK_EQ(expr, want);                                                                          \
    CHECK_EQ(flags, want_flags);                                                                   \
  } while (0)

#endif
