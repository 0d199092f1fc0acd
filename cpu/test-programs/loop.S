# Integer loop for MIPS measurement: 50M iterations of a 5-instruction body, then pass.
  .section .text.init
  .globl _start
_start:
  li a0, 50000000
  li a1, 0
  li a2, 0
1:
  addi a1, a1, 3
  xor a2, a2, a1
  slli a3, a2, 1
  addi a0, a0, -1
  bnez a0, 1b
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
2:
  j 2b
