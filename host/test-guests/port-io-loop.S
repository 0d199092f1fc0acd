/* 64-bit guest (loaded at 0x100000) that prints "go\n" on 0x3f8, writes 10000 bytes to port 0x80
 * (POST diagnostic port, one exit each), then prints "done\n" and halts: the time between the two
 * lines is the cost of 10000 port-I/O exits. */
	.set ITERATIONS, 10000
	.code64
	.globl _start
_start:
	lea go(%rip), %rsi
	call print
	mov $ITERATIONS, %ecx
	mov $0x80, %dx
	xor %eax, %eax
1:	out %al, %dx
	inc %eax
	loop 1b
	lea done(%rip), %rsi
	call print
3:	hlt
	jmp 3b

/* Writes the NUL-terminated string at %rsi to port 0x3f8. */
print:
	mov $0x3f8, %dx
2:	lodsb
	test %al, %al
	jz 4f
	out %al, %dx
	jmp 2b
4:	ret

go:	.asciz "go\n"
done:	.asciz "done\n"
