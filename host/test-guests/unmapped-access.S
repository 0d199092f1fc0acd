/* 64-bit guest (loaded at 0x100000) that prints "touching unmapped memory\n" and then stores to
 * 0xe0000000, where neither RAM nor a device lives: the VMM must stop this VM with a clear reason. */
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
2:	mov $0xe0000000, %rbx
	movl $0xdeadbeef, (%rbx)
3:	hlt
	jmp 3b

message:
	.asciz "touching unmapped memory\n"
