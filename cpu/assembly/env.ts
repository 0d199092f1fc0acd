// Imports from module "env": the platform's device access and hooks (see cpu/README.md).

/** Read a device register (any physical address that is neither RAM nor CLINT). */
@external('env', 'mmio_read')
export declare function mmio_read(hart: i32, addr: i64, size: i32): i64;

/** Write a device register. */
@external('env', 'mmio_write')
export declare function mmio_write(hart: i32, addr: i64, size: i32, value: i64): void;

/** ECALL from S-mode when the machine provides SBI. 0 = continue, 1 = leave run(). */
@external('env', 'sbi_call')
export declare function sbi_call(hart: i32): i32;

/** WFI with nothing pending: block until an interrupt may be pending or the timeout passes. */
@external('env', 'wfi')
export declare function wfi(hart: i32, timeout_ticks: i64): void;

/** A PAUSE streak (pause.ts): the hart spins waiting for another; let the host thread go for a
 * moment — or return at once, if the platform has nothing better to do. */
@external('env', 'pause_yield')
export declare function pause_yield(hart: i32): void;

/** Current mtime in 10 MHz ticks. */
@external('env', 'time_now')
export declare function time_now(): i64;
