import { useEffect, useState } from 'react';
import type { UiVm } from '../vm/ui-vm';
import { usedIndexDelta } from './metrics-rates';

export interface QueueRate {
  device: string;
  perSec: number;
}

/** Queues watched per device: requests (blk, rng) and, for net, receive and transmit. */
const QUEUES = [0, 1];

/**
 * Virtio requests completed per second per device, from used.idx deltas read about once a second
 * (a handful of inspector calls; nothing is added to the device hot path).
 */
export function useVirtqueueRates(vm: UiVm, active: boolean): QueueRate[] {
  const [rates, setRates] = useState<QueueRate[]>([]);
  useEffect(() => {
    if (!active) return;
    let live = true;
    let previous: { atMs: number; used: Map<string, number> } | undefined;
    const poll = async () => {
      const api = vm.api;
      if (!api) return;
      try {
        const devices = (await api.busMap())
          .filter((b) => b.name.startsWith('virtio'))
          .sort((a, b) => a.base - b.base);
        const used = new Map<string, number>();
        for (let slot = 0; slot < devices.length; slot++) {
          for (const queue of QUEUES) {
            const view = await api.virtqueue(slot, queue).catch(() => undefined);
            if (view?.ready) used.set(`${slot}:${queue}`, view.usedIdx);
          }
        }
        const now = performance.now();
        if (live && previous) {
          const seconds = Math.max((now - previous.atMs) / 1000, 1e-3);
          const before = previous.used;
          setRates(
            devices.map((device, slot) => {
              let total = 0;
              for (const queue of QUEUES) {
                const key = `${slot}:${queue}`;
                const a = before.get(key);
                const b = used.get(key);
                if (a !== undefined && b !== undefined) total += usedIndexDelta(a, b);
              }
              return { device: device.name.replace(/^virtio-/, ''), perSec: total / seconds };
            }),
          );
        }
        previous = { atMs: now, used };
      } catch {
        // The VM is between machines (reset, stop): try again next second.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [vm, active]);
  return rates;
}
