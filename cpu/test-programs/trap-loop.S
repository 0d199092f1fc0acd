# mtvec points at unmapped memory: the fetch fault at the vector repeats forever.
  .section .text.init
  .globl _start
_start:
  li t0, 0x40000000
  csrw mtvec, t0
  ecall
