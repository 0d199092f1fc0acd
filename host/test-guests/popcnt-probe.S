/* 64-bit guest (loaded at 0x100000) that executes POPCNT and prints "popcnt ok\n" if the count of
 * 0xff is 8. Under kvm_pvm a non-PVM guest is run by KVM's instruction emulator, which has no POPCNT:
 * there the VMM sees KVM_EXIT_INTERNAL_ERROR (emulation failure) instead (see host/kvm/PVM.md). */
	.code64
	.globl _start
_start:
	mov $0xff, %rbx
	popcnt %rbx, %rax
	cmp $8, %rax
	jne 3f
	lea message(%rip), %rsi
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 3f
	out %al, %dx
	jmp 1b
3:	hlt
	jmp 3b

message:
	.asciz "popcnt ok\n"
