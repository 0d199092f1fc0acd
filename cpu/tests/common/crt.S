/* Entry point shared by every conformance program: M-mode, a0 = hartid, paging off. */
#include "csr.h"

  .section .text.init, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, __stack_top
  la t0, __trap_stack_top
  csrw mscratch, t0
  la t0, trap_entry
  csrw mtvec, t0
  /* QEMU implements PMP: without an entry S/U-mode could touch nothing. One NAPOT entry covers all. */
  la t0, 1f
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  .align 2
1:
  la t0, trap_entry
  csrw mtvec, t0
  la t0, __bss_start
  la t1, __bss_end
2:
  bgeu t0, t1, 3f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 2b
3:
  /* FPU on (FS = Initial) so compiled C may use it; fp tests switch it off on purpose. */
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrwi fcsr, 0
  call main
  call test_exit
park:
  wfi
  j park
