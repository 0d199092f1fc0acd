/* The guest switches modes by itself: entered in real mode at 0x1000 (CS=0, IP=0x1000), it loads its
 * own GDT, enters 32-bit protected mode, builds page tables identity-mapping the first GiB with 2 MiB
 * pages at 0x20000, enables PAE + EFER.LME + paging, far-jumps to 64-bit code, prints
 * "hello from long mode\n" on port 0x3f8 and halts. RAM must cover 0x0..0x30000. */
	.set PML4, 0x20000
	.set PDPT, 0x21000
	.set PD, 0x22000
	.set CODE32, 0x08
	.set CODE64, 0x10
	.set DATA, 0x18

	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lgdtl gdt_pointer
	mov %cr0, %eax
	or $1, %eax                   /* CR0.PE */
	mov %eax, %cr0
	ljmpl $CODE32, $protected_mode

	.code32
protected_mode:
	mov $DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x8000, %esp

	/* Zero the three table pages, then link PML4[0] -> PDPT -> PD and fill PD with 512 2 MiB pages. */
	mov $PML4, %edi
	xor %eax, %eax
	mov $(3 * 4096 / 4), %ecx
	rep stosl
	movl $(PDPT | 3), PML4
	movl $(PD | 3), PDPT
	mov $PD, %edi
	mov $0x83, %eax               /* present | writable | 2 MiB page */
	mov $512, %ecx
1:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b

	mov %cr4, %eax
	or $(1 << 5), %eax            /* CR4.PAE */
	mov %eax, %cr4
	mov $PML4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx         /* IA32_EFER */
	rdmsr
	or $(1 << 8), %eax            /* EFER.LME */
	wrmsr
	mov %cr0, %eax
	or $(1 << 31), %eax           /* CR0.PG: activates long mode (EFER.LMA) */
	mov %eax, %cr0
	ljmp $CODE64, $long_mode

	.code64
long_mode:
	lea message(%rip), %rsi
	mov $0x3f8, %dx
2:	lodsb
	test %al, %al
	jz 3f
	out %al, %dx
	jmp 2b
3:	hlt
	jmp 3b

	.p2align 3
gdt:
	.quad 0                       /* null */
	.quad 0x00cf9b000000ffff      /* 0x08: flat 32-bit code, DPL 0 */
	.quad 0x00af9b000000ffff      /* 0x10: 64-bit code (L=1, D=0) */
	.quad 0x00cf93000000ffff      /* 0x18: flat data */
gdt_end:
gdt_pointer:
	.word gdt_end - gdt - 1
	.long gdt

message:
	.asciz "hello from long mode\n"
