/** Snapshot state of the UART: every guest-visible register plus the receive FIFO contents. */
export interface UartState {
  dll: number;
  dlm: number;
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  fifoEnabled: boolean;
  rxTrigger: number;
  overrun: boolean;
  thrEmptyPending: boolean;
  msrDelta: number;
  rx: number[];
}

/** Reads a snapshot state defensively: a corrupt value becomes a sane one, never an exception. */
export function sanitizeUartState(raw: Partial<UartState>): UartState {
  const byte = (v: unknown): number =>
    typeof v === 'number' && Number.isInteger(v) ? v & 0xff : 0;
  const rx = Array.isArray(raw.rx) ? raw.rx.map(byte) : [];
  const trigger = typeof raw.rxTrigger === 'number' ? raw.rxTrigger : 1;
  return {
    dll: byte(raw.dll),
    dlm: byte(raw.dlm),
    ier: byte(raw.ier) & 0x0f,
    lcr: byte(raw.lcr),
    mcr: byte(raw.mcr) & 0x1f,
    scr: byte(raw.scr),
    fifoEnabled: raw.fifoEnabled === true,
    rxTrigger: [1, 4, 8, 14].includes(trigger) ? trigger : 1,
    overrun: raw.overrun === true,
    thrEmptyPending: raw.thrEmptyPending === true,
    msrDelta: byte(raw.msrDelta) & 0x0f,
    rx,
  };
}
