# Prints "hello from rv64\n" on the UART, then passes through the SiFive test finisher.
  .section .text.init
  .globl _start
_start:
  li t0, 0x10000000        # UART THR
  la t1, message
1:
  lbu t2, 0(t1)
  beqz t2, 2f
  li t3, 0x10000005        # LSR: wait for THR empty (bit 5)
3:
  lbu t4, 0(t3)
  andi t4, t4, 0x20
  beqz t4, 3b
  sb t2, 0(t0)
  addi t1, t1, 1
  j 1b
2:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
4:
  j 4b
  .section .rodata
message:
  .string "hello from rv64\n"
