# Never finishes: exercises the runner's instruction limit.
  .section .text.init
  .globl _start
_start:
  addi a0, a0, 1
  j _start
