// IEEE exception flags in RISC-V fflags bit order, accumulated by every FPU function.
// The CPU ORs `fpu_flags` into fcsr.fflags after each FP instruction and clears it.

export const FLAG_NX: u32 = 1; // inexact
export const FLAG_UF: u32 = 2; // underflow
export const FLAG_OF: u32 = 4; // overflow
export const FLAG_DZ: u32 = 8; // divide by zero
export const FLAG_NV: u32 = 16; // invalid operation

// Resolved rounding modes (the CPU maps frm/dyn to one of these before calling).
export const RM_RNE: u32 = 0;
export const RM_RTZ: u32 = 1;
export const RM_RDN: u32 = 2;
export const RM_RUP: u32 = 3;
export const RM_RMM: u32 = 4;

export let fpu_flags: u32 = 0;

// @ts-ignore: decorator
@inline
export function raise(flags: u32): void {
  fpu_flags |= flags;
}
