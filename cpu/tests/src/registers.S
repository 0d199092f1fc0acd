/*
 * Every integer register as rd, rs1 and rs2 (all 5-bit field values), x0 hard-wired to zero.
 * Pure assembly: main returns 0 on success or the index of the first wrong register + 1.
 */
  .text
  .globl main
main:
  addi sp, sp, -128
  sd ra, 0(sp)
  sd gp, 8(sp)
  sd tp, 16(sp)
  sd s0, 24(sp)
  sd s1, 32(sp)
  sd s2, 40(sp)
  sd s3, 48(sp)
  sd s4, 56(sp)
  sd s5, 64(sp)
  sd s6, 72(sp)
  sd s7, 80(sp)
  sd s8, 88(sp)
  sd s9, 96(sp)
  sd s10, 104(sp)
  sd s11, 112(sp)
  la t0, saved_sp
  sd sp, 0(t0)

  .option push
  .option norvc
  /* Phase 1: xi = i * 0x0101010101010101 via addi/slli/or chains, written as rd = each register. */
  .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  li x\r, (\r * 0x0101010101010101)
  .endr
  /* x0 ignores writes. */
  addi x0, x31, 1
  lui x0, 0x12345
  /* Phase 2: store x1..x30 through x31 as the base register (x31 itself is then the pointer). */
  la x31, results
  .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
  sd x\r, (\r * 8)(x31)
  .endr
  li x30, (31 * 0x0101010101010101)
  sd x30, (31 * 8)(x31)
  sd x0, 0(x31)
  .option pop

  la t0, saved_sp
  ld sp, 0(t0)
  ld ra, 0(sp)
  ld gp, 8(sp)
  ld tp, 16(sp)
  ld s0, 24(sp)
  ld s1, 32(sp)
  ld s2, 40(sp)
  ld s3, 48(sp)
  ld s4, 56(sp)
  ld s5, 64(sp)
  ld s6, 72(sp)
  ld s7, 80(sp)
  ld s8, 88(sp)
  ld s9, 96(sp)
  ld s10, 104(sp)
  ld s11, 112(sp)
  addi sp, sp, 128

  /* Check results[i] == i * 0x0101..., i = 0..31. */
  la t0, results
  li t1, 0
  li t2, 32
  li t3, 0x0101010101010101
  li t4, 0
1:
  ld t5, 0(t0)
  bne t5, t4, 2f
  add t4, t4, t3
  addi t0, t0, 8
  addi t1, t1, 1
  blt t1, t2, 1b

  /* Phase 3: each register as rs1 and rs2 of one instruction: xi - xi == 0 and xi ^ x0 == xi. */
  .option push
  .option norvc
  li a0, 0
  .irp r, 5,6,7,28,29,30,31,10,11,12,13,14,15,16,17
  li x\r, 0x5a5a
  sub x\r, x\r, x\r
  or a0, a0, x\r
  .endr
  bnez a0, 3f
  .option pop
  li a0, 0
  ret
2:
  addi a0, t1, 1
  ret
3:
  li a0, 40
  ret

  .data
  .align 3
saved_sp:
  .dword 0
results:
  .zero 256
