// Values returned by run(hart, budget). Only integer literals (shared AS/TS file).

/** The instruction budget was used up; call run() again. */
export const EXIT_BUDGET = 0;
/** The hart's control word (HS_CONTROL) was non-zero: pause/stop requested by another thread. */
export const EXIT_STOP_REQUESTED = 1;
/** The sbi_call import returned 1 (hart stop, system reset or poweroff). */
export const EXIT_SBI_STOP = 2;
/** The same trap kept firing at the trap vector itself (e.g. mtvec points at unmapped memory). */
export const EXIT_TRAP_LOOP = 3;
/** Invalid arguments to run() (bad hart number) or unusable machine configuration. */
export const EXIT_FATAL = 4;
/** Only from jit_interpret (the JIT dispatcher's batches): the batch stopped before a branch
 * target whose visits reached the batch's heat limit; HS_PC is that target. */
export const EXIT_JIT_HOT = 5;
