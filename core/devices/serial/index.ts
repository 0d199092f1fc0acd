export { Uart16550, type Uart16550Options } from './uart';
export { createUartMetrics, type UartMetrics } from './metrics';
export type { UartState } from './persist';
