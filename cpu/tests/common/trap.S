/*
 * Trap entry points (M and S) that save every register in a frame and call the C handlers in
 * lib.c, plus enter_mode(): run a function in S- or U-mode and come back to M-mode when it returns.
 */
#include "csr.h"

#define FRAME 256

.macro SAVE_REGS
  sd x1, 8(sp)
  .irp r, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\r, (\r * 8)(sp)
  .endr
.endm

.macro RESTORE_REGS
  ld x1, 8(sp)
  .irp r, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\r, (\r * 8)(sp)
  .endr
.endm

  .text
  /* M-mode: mscratch holds the top of a private trap stack, so any interrupted sp works. */
  .align 6
  .globl trap_entry
trap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -FRAME
  SAVE_REGS
  csrr t0, mscratch
  sd t0, 16(sp)
  mv a0, sp
  call m_trap_handler
  addi t0, sp, FRAME
  csrw mscratch, t0
  RESTORE_REGS
  ld sp, 16(sp)
  mret

  /* S-mode handler: runs on the interrupted code's stack (tests keep it mapped). */
  .align 6
  .globl strap_entry
strap_entry:
  addi sp, sp, -FRAME
  SAVE_REGS
  addi t0, sp, FRAME
  sd t0, 16(sp)
  mv a0, sp
  call s_trap_handler
  RESTORE_REGS
  ld sp, 16(sp)
  sret

  /* u64 enter_mode(u64 mode, u64 (*fn)(u64), u64 arg): runs fn(arg) in `mode` (0 = U, 1 = S). */
  .globl enter_mode
enter_mode:
  addi sp, sp, -112
  sd ra, 0(sp)
  .irp r, 0,1,2,3,4,5,6,7,8,9,10,11
  sd s\r, (8 + \r * 8)(sp)
  .endr
  la t0, mode_saved_sp
  sd sp, 0(t0)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  slli t1, a0, 11
  csrs mstatus, t1
  csrw mepc, a1
  mv a0, a2
  la ra, mode_exit
  addi sp, sp, -64
  mret

  /* Lower-mode functions return here and ask M-mode (m_trap_handler) to resume mode_return. */
  .globl mode_exit
mode_exit:
  li a7, MODE_EXIT_MAGIC
  ecall
1:
  j 1b

  .globl mode_return
mode_return:
  ld ra, 0(sp)
  .irp r, 0,1,2,3,4,5,6,7,8,9,10,11
  ld s\r, (8 + \r * 8)(sp)
  .endr
  addi sp, sp, 112
  ret

  .data
  .align 3
  .globl mode_saved_sp
mode_saved_sp:
  .dword 0
