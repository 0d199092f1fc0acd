/* Entered directly in 32-bit protected mode by the VMM (flat segments, no paging), loaded at
 * 0x100000: prints "hello from protected mode\n" on port 0x3f8, then halts. */
	.code32
	.globl _start
_start:
	mov $message, %esi
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	hlt
	jmp 2b

message:
	.asciz "hello from protected mode\n"
