/* Real-mode guest: loaded and entered at 0x1000 with CS=0, IP=0x1000 (16-bit code).
 * Prints "hello from real mode\n" one byte at a time to the COM1 data port 0x3f8, then halts. */
	.code16
	.globl _start
_start:
	xor %ax, %ax
	mov %ax, %ds
	mov $message, %si
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	hlt
	jmp 2b

message:
	.asciz "hello from real mode\n"
