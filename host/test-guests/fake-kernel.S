/* A "fake kernel" shaped like a bzImage, loaded by the Linux boot path exactly like a real one
 * (host/kvm/linux-boot/linux-boot-plan.ts): a setup header with boot protocol 2.15, XLF_KERNEL_64
 * and LOADED_HIGH, one setup sector, then the protected-mode kernel whose 64-bit entry is at +0x200.
 * Entered in long mode with RSI = boot_params, it checks from inside the guest what Linux reads:
 *   - boot_params: "HdrS" at 0x202, the e820 table (count at 0x1e8, entries at 0x2d0: printed),
 *     the command line pointer at 0x228 (the command line is printed);
 *   - the MP floating pointer "_MP_" (scanned at 639 KiB and 0xf0000-0xfffff like Linux) and its
 *     checksum, the PCMP table's checksum and its processor entries;
 *   - the first virtio_mmio.device=<size>@0x<base>:<irq> of the command line: magic, version and
 *     device id at that base, and a status write (ACKNOWLEDGE) read back from the device;
 *   - kindling.boot_timer=0x<addr> if present: writes 123 there (what the images' /init does);
 * then prints "PASS" and resets through the i8042 (0xfe on port 0x64) — unless the command line
 * holds "fake.wait": then it polls COM1 and the i8042 until a console byte (echoed as
 * "console byte: X") or a key (SendCtrlAltDel: "key: ctrl-alt-del") arrives. Any failed check prints
 * "FAIL: <what>" and resets as well. Output goes to COM1 (0x3f8). Position-independent code. */
	.code64
	.globl _start
	.set SETUP_SECTS, 1

_start:
	.org 0x1f1
	.byte SETUP_SECTS		/* setup_sects */
	.org 0x1fe
	.word 0xaa55			/* boot_flag */
	.byte 0xeb, 0x6a		/* jump: header ends at 0x26c */
	.ascii "HdrS"			/* 0x202 header */
	.word 0x020f			/* 0x206 version 2.15 */
	.org 0x211
	.byte 0x01			/* loadflags: LOADED_HIGH */
	.org 0x214
	.long 0x100000			/* code32_start */
	.org 0x22c
	.long 0x7fffffff		/* initrd_addr_max */
	.long 0x200000			/* kernel_alignment */
	.byte 1				/* relocatable_kernel */
	.byte 0
	.word 0x0001			/* xloadflags: XLF_KERNEL_64 */
	.long 2047			/* cmdline_size */
	.org 0x258
	.quad 0x100000			/* pref_address */
	.org 0x260
	.long 0x20000			/* init_size */

	/* Protected-mode kernel: loaded at 0x100000. The 32-bit entry is unused. */
	.org (SETUP_SECTS + 1) * 512
entry32:
	hlt
	jmp entry32

	.org (SETUP_SECTS + 1) * 512 + 0x200
entry64:
	mov %rsi, %r15			/* boot_params */
	lea msg_banner(%rip), %rsi
	call puts
	lea fail_hdrs(%rip), %rsi
	cmpl $0x53726448, 0x202(%r15)
	jne fail

	/* e820 */
	movzbl 0x1e8(%r15), %r12d
	lea msg_e820(%rip), %rsi
	call puts
	mov %r12, %rax
	call putdec
	call newline
	lea 0x2d0(%r15), %r13
1:	test %r12, %r12
	jz 2f
	lea msg_entry(%rip), %rsi
	call puts
	mov (%r13), %rax
	call puthex
	call space
	mov 8(%r13), %rax
	call puthex
	call space
	movl 16(%r13), %eax
	call putdec
	call newline
	add $20, %r13
	dec %r12
	jmp 1b

	/* command line */
2:	movl 0x228(%r15), %r14d
	lea fail_cmdline(%rip), %rsi
	test %r14, %r14
	jz fail
	lea msg_cmdline(%rip), %rsi
	call puts
	mov %r14, %rsi
	call puts
	call newline

	/* MP floating pointer: the KiB at 639 KiB, then the BIOS area */
	mov $0x9fc00, %rdi
	mov $0xa0000, %rcx
	call scan_mp
	test %rax, %rax
	jnz 3f
	mov $0xf0000, %rdi
	mov $0x100000, %rcx
	call scan_mp
	lea fail_mp(%rip), %rsi
	test %rax, %rax
	jz fail
3:	mov %rax, %rdi
	mov $16, %rcx
	call checksum
	lea fail_mp_sum(%rip), %rsi
	test %al, %al
	jnz fail
	movl 4(%rdi), %ebx		/* configuration table */
	lea fail_pcmp(%rip), %rsi
	cmpl $0x504d4350, (%rbx)	/* "PCMP" */
	jne fail
	mov %rbx, %rdi
	movzwl 4(%rbx), %ecx
	call checksum
	lea fail_pcmp_sum(%rip), %rsi
	test %al, %al
	jnz fail
	movzwl 34(%rbx), %ecx		/* entry count */
	lea 44(%rbx), %rdi
	xor %r12, %r12			/* processors */
4:	test %ecx, %ecx
	jz 6f
	cmpb $0, (%rdi)
	jne 5f
	inc %r12
	add $12, %rdi			/* processor entries are 20 bytes */
5:	add $8, %rdi
	dec %ecx
	jmp 4b
6:	lea msg_mp(%rip), %rsi
	call puts
	mov %r12, %rax
	call putdec
	call newline

	/* virtio_mmio.device=<size>@0x<base>:<irq> */
	mov %r14, %rdi
	lea needle(%rip), %rsi
	call strstr
	mov %rax, %rdx
	lea fail_virtio_arg(%rip), %rsi
	test %rax, %rax
	jz fail
9:	lea fail_virtio_arg(%rip), %rsi
11:	movb (%rdx), %al
	test %al, %al
	jz fail
	inc %rdx
	cmp $'@', %al
	jne 11b
	add $2, %rdx			/* "0x" */
	call parsehex
	lea msg_virtio(%rip), %rsi
	call puts
	mov %rbx, %rax
	call puthex
	call newline
	lea fail_magic(%rip), %rsi
	cmpl $0x74726976, (%rbx)	/* "virt" */
	jne fail
	lea fail_version(%rip), %rsi
	cmpl $2, 4(%rbx)
	jne fail
	lea msg_device(%rip), %rsi
	call puts
	movl 8(%rbx), %eax
	call putdec
	call newline
	movl $1, 0x70(%rbx)		/* Status = ACKNOWLEDGE */
	lea fail_status(%rip), %rsi
	cmpl $1, 0x70(%rbx)
	jne fail
	movl $0, 0x70(%rbx)		/* reset the device */
	/* kindling.boot_timer=0x<addr>: write 123 there, as the images' /init does */
	mov %r14, %rdi
	lea timer_arg(%rip), %rsi
	call strstr
	test %rax, %rax
	jz 18f
	mov %rax, %rdx
	call parsehex
	movb $123, (%rbx)
	lea msg_timer(%rip), %rsi
	call puts
18:	lea msg_pass(%rip), %rsi
	call puts

	/* "fake.wait" on the command line: stay up until a console byte or a key (Ctrl-Alt-Del). */
	mov %r14, %rdi
	lea wait_arg(%rip), %rsi
	call strstr
	test %rax, %rax
	jz reset
	lea msg_waiting(%rip), %rsi
	call puts
16:	mov $0x3fd, %dx			/* LSR: data ready? */
	in %dx, %al
	test $1, %al
	jnz 17f
	in $0x64, %al			/* i8042 status: output buffer full? */
	test $1, %al
	jz 16b
	in $0x60, %al
	lea msg_key(%rip), %rsi
	call puts
	jmp reset
17:	mov $0x3f8, %dx
	in %dx, %al
	push %rax
	lea msg_byte(%rip), %rsi
	call puts
	pop %rax
	call putc
	call newline
	jmp reset

fail:	push %rsi
	lea msg_fail(%rip), %rsi
	call puts
	pop %rsi
	call puts
	call newline
reset:	mov $0xfe, %al
	out %al, $0x64
15:	hlt
	jmp 15b

/* rdi = start, rcx = end: rax = address of "_MP_" on a 16-byte boundary, or 0. */
scan_mp:
	cmp %rcx, %rdi
	jae 2f
	cmpl $0x5f504d5f, (%rdi)
	je 1f
	add $16, %rdi
	jmp scan_mp
1:	mov %rdi, %rax
	ret
2:	xor %eax, %eax
	ret

/* rax = address just past the first occurrence of the string at rsi in the one at rdi, or 0. */
strstr:
	push %rdi
	push %rsi
	push %rbx
1:	cmpb $0, (%rdi)
	je 4f
	mov %rsi, %rbx
	mov %rdi, %rax
2:	movb (%rbx), %cl
	test %cl, %cl
	jz 5f
	cmpb %cl, (%rax)
	jne 3f
	inc %rbx
	inc %rax
	jmp 2b
3:	inc %rdi
	jmp 1b
4:	xor %eax, %eax
5:	pop %rbx
	pop %rsi
	pop %rdi
	ret

/* rbx = the hex digits (0-9, a-f) at rdx, up to the first other character; rdx moves past them. */
parsehex:
	xor %ebx, %ebx
1:	movzbl (%rdx), %eax
	sub $'0', %al
	cmp $9, %al
	jbe 2f
	sub $('a' - '0'), %al
	cmp $5, %al
	ja 3f
	add $10, %al
2:	shl $4, %rbx
	or %rax, %rbx
	inc %rdx
	jmp 1b
3:	ret

/* al = sum of rcx bytes at rdi (rdi preserved). */
checksum:
	push %rdi
	xor %eax, %eax
1:	add (%rdi), %al
	inc %rdi
	dec %rcx
	jnz 1b
	pop %rdi
	ret

/* Writes the NUL-terminated string at rsi to COM1. */
puts:
	push %rax
	push %rdx
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	pop %rdx
	pop %rax
	ret

putc:	push %rdx
	mov $0x3f8, %dx
	out %al, %dx
	pop %rdx
	ret
newline:
	mov $'\n', %al
	jmp putc
space:	mov $' ', %al
	jmp putc

/* rax in hex with a 0x prefix, no leading zeros. */
puthex:
	push %rbx
	push %rcx
	mov %rax, %rbx
	mov $'0', %al
	call putc
	mov $'x', %al
	call putc
	mov $60, %cl
	xor %ch, %ch			/* ch = 1 once a digit was printed */
1:	mov %rbx, %rax
	shr %cl, %rax
	and $0xf, %al
	jnz 2f
	test %ch, %ch
	jnz 2f
	test %cl, %cl
	jnz 3f
2:	mov $1, %ch
	add $'0', %al
	cmp $'9', %al
	jbe 4f
	add $('a' - '9' - 1), %al
4:	call putc
3:	sub $4, %cl
	jns 1b
	pop %rcx
	pop %rbx
	ret

/* rax in decimal. */
putdec:
	push %rbx
	push %rcx
	push %rdx
	mov $10, %rbx
	xor %rcx, %rcx
1:	xor %rdx, %rdx
	div %rbx
	push %rdx
	inc %rcx
	test %rax, %rax
	jnz 1b
2:	pop %rax
	add $'0', %al
	call putc
	dec %rcx
	jnz 2b
	pop %rdx
	pop %rcx
	pop %rbx
	ret

msg_banner:	.asciz "fake kernel: 64-bit entry\n"
msg_e820:	.asciz "e820 entries: "
msg_entry:	.asciz "e820: "
msg_cmdline:	.asciz "cmdline: "
msg_mp:		.asciz "mp: checksums ok, cpus "
msg_virtio:	.asciz "virtio-mmio at "
msg_device:	.asciz "virtio: magic ok, version 2, device id "
msg_pass:	.asciz "PASS\n"
msg_fail:	.asciz "FAIL: "
needle:		.asciz "virtio_mmio.device="
wait_arg:	.asciz "fake.wait"
timer_arg:	.asciz "kindling.boot_timer=0x"
msg_timer:	.asciz "boot timer signalled\n"
msg_waiting:	.asciz "waiting for a console byte or a key\n"
msg_key:	.asciz "key: ctrl-alt-del\n"
msg_byte:	.asciz "console byte: "
fail_hdrs:	.asciz "no HdrS in boot_params"
fail_cmdline:	.asciz "no command line"
fail_mp:	.asciz "no MP floating pointer"
fail_mp_sum:	.asciz "MP floating pointer checksum"
fail_pcmp:	.asciz "no PCMP table"
fail_pcmp_sum:	.asciz "PCMP checksum"
fail_virtio_arg: .asciz "no virtio_mmio.device= on the command line"
fail_magic:	.asciz "virtio magic"
fail_version:	.asciz "virtio version"
fail_status:	.asciz "virtio status did not read back"
