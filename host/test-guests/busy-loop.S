/* 64-bit guest (loaded at 0x100000) that prints "spinning\n" and then loops forever without exiting,
 * counting in %rax: used to test that the VMM can stop a vCPU the guest never gives back. */
	.code64
	.globl _start
_start:
	lea message(%rip), %rsi
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	xor %eax, %eax
3:	inc %rax
	jmp 3b

message:
	.asciz "spinning\n"
