/**
 * 16550A register map (offsets with register stride 1, as the riscv64 device tree's
 * `reg-shift = 0` and the x86 port range 0x3f8..0x3ff give) and the bits this model implements.
 */
export const REG = {
  /** RBR (read) / THR (write); DLL when LCR.DLAB is set. */
  DATA: 0,
  /** IER; DLM when LCR.DLAB is set. */
  IER: 1,
  /** IIR (read) / FCR (write). */
  IIR_FCR: 2,
  LCR: 3,
  MCR: 4,
  LSR: 5,
  MSR: 6,
  SCR: 7,
} as const;

export const REGISTER_COUNT = 8;

/** Interrupt enable register. */
export const IER_RX_DATA = 0x01;
export const IER_THR_EMPTY = 0x02;
export const IER_LINE_STATUS = 0x04;
export const IER_MODEM_STATUS = 0x08;
export const IER_MASK = 0x0f;

/** Interrupt identification values, highest priority first. */
export const IIR_NONE = 0x01;
export const IIR_LINE_STATUS = 0x06;
export const IIR_RX_DATA = 0x04;
export const IIR_RX_TIMEOUT = 0x0c;
export const IIR_THR_EMPTY = 0x02;
export const IIR_MODEM_STATUS = 0x00;
/** Both "FIFOs enabled" bits of IIR, as a 16550A reports them. */
export const IIR_FIFO_ENABLED = 0xc0;

/** FIFO control register. */
export const FCR_ENABLE = 0x01;
export const FCR_CLEAR_RX = 0x02;
export const FCR_TRIGGER_SHIFT = 6;
/** Receive trigger levels selected by FCR bits 7:6. */
export const RX_TRIGGER_LEVELS = [1, 4, 8, 14] as const;

export const LCR_DLAB = 0x80;

/** Modem control register. */
export const MCR_DTR = 0x01;
export const MCR_RTS = 0x02;
export const MCR_OUT1 = 0x04;
export const MCR_OUT2 = 0x08;
export const MCR_LOOPBACK = 0x10;
export const MCR_MASK = 0x1f;

/** Line status register. */
export const LSR_DATA_READY = 0x01;
export const LSR_OVERRUN = 0x02;
export const LSR_THR_EMPTY = 0x20;
export const LSR_TRANSMITTER_EMPTY = 0x40;

/** Modem status register: delta bits (low nibble) and line states (high nibble). */
export const MSR_DELTA_CTS = 0x01;
export const MSR_DELTA_DSR = 0x02;
export const MSR_TRAILING_RI = 0x04;
export const MSR_DELTA_DCD = 0x08;
export const MSR_CTS = 0x10;
export const MSR_DSR = 0x20;
export const MSR_RI = 0x40;
export const MSR_DCD = 0x80;

/** Hardware FIFO depth of a 16550A; 1 (the holding register) when FIFOs are disabled. */
export const FIFO_SIZE = 16;
