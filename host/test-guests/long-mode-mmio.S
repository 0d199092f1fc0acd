/* Entered directly in 64-bit mode by the VMM's register setup (like the Linux 64-bit boot path):
 * loaded at 0x100000, paging identity-maps the low 4 GiB. Prints "hello from 64-bit mode\n" on port
 * 0x3f8, then talks to a register file at 0xd0000000 over MMIO:
 *   reads the 32-bit magic at +0, writes magic + 1 (32-bit) to +4 and 0x1122334455667788 (64-bit)
 *   to +8, reads +4 back and prints "mmio ok\n" if it holds magic + 1, "mmio bad\n" otherwise. */
	.set REGS, 0xd0000000
	.code64
	.globl _start
_start:
	lea hello(%rip), %rsi
	call print
	mov $REGS, %rbx
	movl (%rbx), %eax
	inc %eax
	movl %eax, 4(%rbx)
	mov %eax, %r12d
	movabs $0x1122334455667788, %rax
	mov %rax, 8(%rbx)
	movl 4(%rbx), %eax
	lea ok(%rip), %rsi
	cmp %eax, %r12d
	je 1f
	lea bad(%rip), %rsi
1:	call print
2:	hlt
	jmp 2b

/* Writes the NUL-terminated string at %rsi to port 0x3f8. */
print:
	mov $0x3f8, %dx
3:	lodsb
	test %al, %al
	jz 4f
	out %al, %dx
	jmp 3b
4:	ret

hello:	.asciz "hello from 64-bit mode\n"
ok:	.asciz "mmio ok\n"
bad:	.asciz "mmio bad\n"
