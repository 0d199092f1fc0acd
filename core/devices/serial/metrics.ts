import { incMetrics } from '../../metrics/registry';

/** Firecracker's `uart` metrics group (the same counter names). */
export function createUartMetrics() {
  return incMetrics(
    'error_count',
    'flush_count',
    'missed_read_count',
    'missed_write_count',
    'read_count',
    'write_count',
  );
}

export type UartMetrics = ReturnType<typeof createUartMetrics>;
