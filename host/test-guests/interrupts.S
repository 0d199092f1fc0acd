/* Real-mode guest (at 0x1000) for the in-kernel irqchip: remaps the PICs to vectors 0x20/0x28,
 * programs PIT channel 0 at ~100 Hz and waits in HLT. The IRQ0 handler prints "tick\n" three times,
 * then masks IRQ0 and prints "ready\n"; the IRQ5 handler prints "irq5\n" each time GSI 5 fires
 * (e.g. through an irqfd). Only PIC/PIT/IRQ delivery inside KVM makes this guest print anything
 * after "start\n". */
	.set PIC1_CMD, 0x20
	.set PIC1_DATA, 0x21
	.set PIC2_CMD, 0xa0
	.set PIC2_DATA, 0xa1
	.set PIT_CH0, 0x40
	.set PIT_MODE, 0x43
	.set PIT_DIVISOR, 11932      /* 1193182 Hz / 11932 ≈ 100 Hz */

	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7000, %sp
	movw $timer_handler, 0x20 * 4
	movw $0, 0x20 * 4 + 2
	movw $irq5_handler, 0x25 * 4
	movw $0, 0x25 * 4 + 2

	mov $0x11, %al               /* ICW1: edge, cascade, ICW4 needed */
	out %al, $PIC1_CMD
	out %al, $PIC2_CMD
	mov $0x20, %al               /* ICW2: vector bases */
	out %al, $PIC1_DATA
	mov $0x28, %al
	out %al, $PIC2_DATA
	mov $0x04, %al               /* ICW3: slave on IRQ2 */
	out %al, $PIC1_DATA
	mov $0x02, %al
	out %al, $PIC2_DATA
	mov $0x01, %al               /* ICW4: 8086 mode */
	out %al, $PIC1_DATA
	out %al, $PIC2_DATA
	mov $0xde, %al               /* unmask IRQ0 and IRQ5 only */
	out %al, $PIC1_DATA
	mov $0xff, %al
	out %al, $PIC2_DATA

	mov $0x34, %al               /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	out %al, $PIT_MODE
	mov $(PIT_DIVISOR & 0xff), %al
	out %al, $PIT_CH0
	mov $(PIT_DIVISOR >> 8), %al
	out %al, $PIT_CH0

	mov $start_msg, %si
	call print
	sti
1:	hlt
	jmp 1b

timer_handler:
	push %ax
	push %si
	mov $tick_msg, %si
	call print
	incb ticks
	cmpb $3, ticks
	jb 2f
	in $PIC1_DATA, %al
	or $0x01, %al                /* mask IRQ0: no more ticks */
	out %al, $PIC1_DATA
	mov $ready_msg, %si
	call print
2:	mov $0x20, %al               /* non-specific EOI */
	out %al, $PIC1_CMD
	pop %si
	pop %ax
	iret

irq5_handler:
	push %ax
	push %si
	mov $irq5_msg, %si
	call print
	mov $0x20, %al
	out %al, $PIC1_CMD
	pop %si
	pop %ax
	iret

/* Prints the NUL-terminated string at %si on port 0x3f8. */
print:
	push %ax
	push %dx
	mov $0x3f8, %dx
3:	lodsb
	test %al, %al
	jz 4f
	out %al, %dx
	jmp 3b
4:	pop %dx
	pop %ax
	ret

ticks:	.byte 0
start_msg:	.asciz "start\n"
tick_msg:	.asciz "tick\n"
ready_msg:	.asciz "ready\n"
irq5_msg:	.asciz "irq5\n"
