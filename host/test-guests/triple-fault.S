/* 64-bit guest (loaded at 0x100000) that loads an empty IDT and executes UD2: #UD cannot be
 * delivered, neither can the resulting #DF, so the CPU triple-faults (KVM_EXIT_SHUTDOWN). */
	.code64
	.globl _start
_start:
	mov $0x3f8, %dx
	mov $'!', %al
	out %al, %dx
	lidt empty_idt(%rip)
	ud2
1:	hlt
	jmp 1b

empty_idt:
	.word 0
	.quad 0
