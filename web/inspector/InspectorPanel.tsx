import { useState } from 'react';
import type { UiVm, UiVmView } from '../vm/ui-vm';
import { usePolling } from '../layout/use-polling';
import { BusMapTab } from './BusMapTab';
import { DeviceTreeTab } from './DeviceTreeTab';
import { ExitLogTab } from './ExitLogTab';
import { InterruptsTab } from './InterruptsTab';
import { VirtqueueTab } from './VirtqueueTab';
import { HartTab } from './HartTab';

type TabId = 'bus' | 'dt' | 'exits' | 'irq' | 'vq' | 'cpu';

const TABS: { id: TabId; label: string; about: string }[] = [
  {
    id: 'bus',
    label: 'MMIO map',
    about:
      'Every physical address range that is not RAM belongs to a device. A guest load or store there leaves the vCPU worker (an "exit") and is answered by the device in the VMM worker.',
  },
  {
    id: 'dt',
    label: 'Device tree',
    about:
      'The flattened device tree the VMM wrote for the kernel (its address arrives in a1). Linux learns about harts, memory, the UART, the PLIC and virtio devices only from this.',
  },
  {
    id: 'exits',
    label: 'Exits',
    about:
      'Recent MMIO exits, decoded to device and register. Type in the terminal to see UART THR writes (output) and LSR/RBR reads (input); disk I/O shows virtio QueueNotify and InterruptACK.',
  },
  {
    id: 'irq',
    label: 'Interrupts',
    about:
      'Devices raise PLIC sources; the PLIC sets SEI in a hart’s mip, the kernel claims the source, serves the device and completes it. Timer (STI) and software (SSI) interrupts stay inside the vCPU.',
  },
  {
    id: 'vq',
    label: 'Virtqueues',
    about:
      'A virtqueue is three rings in guest RAM: descriptors, the driver’s avail ring and the device’s used ring. The driver bumps avail.idx to post requests; the device bumps used.idx when done.',
  },
  {
    id: 'cpu',
    label: 'vCPUs',
    about:
      'A hart’s registers and control registers as the vCPU worker last stored them. The page walk translates a virtual address through satp’s page tables, as the hart’s MMU would for a load.',
  },
];

export function InspectorPanel({
  vm,
  view,
  active,
}: {
  vm: UiVm;
  view: UiVmView;
  active: boolean;
}) {
  const [tab, setTab] = useState<TabId>('bus');
  const started = view.phase === 'running' || view.phase === 'booting' || view.phase === 'paused';
  const ready = active && started && view.instanceState !== 'Not started';
  const { value: statics, error } = usePolling(
    async () => {
      const api = vm.api!;
      const [bus, dtb, metrics] = await Promise.all([
        api.busMap(),
        api.deviceTree(),
        api.metrics(),
      ]);
      return { bus, dtb, harts: metrics?.harts.length ?? 1 };
    },
    0,
    ready,
    [vm, view.generation],
  );
  const current = TABS.find((t) => t.id === tab)!;
  return (
    <section className="inspector" data-testid="inspector">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            type="button"
            aria-selected={t.id === tab}
            data-testid={`inspector-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <p className="about">{current.about}</p>
      <div className="inspector-body">
        {!statics ? (
          <p className="muted">{error && started ? error : 'Start the VM to inspect it.'}</p>
        ) : tab === 'bus' ? (
          <BusMapTab bus={statics.bus} />
        ) : tab === 'dt' ? (
          <DeviceTreeTab dtb={statics.dtb} />
        ) : tab === 'exits' ? (
          <ExitLogTab vm={vm} bus={statics.bus} live={ready} />
        ) : tab === 'irq' ? (
          <InterruptsTab vm={vm} bus={statics.bus} live={ready} />
        ) : tab === 'vq' ? (
          <VirtqueueTab vm={vm} bus={statics.bus} live={ready} />
        ) : (
          <HartTab vm={vm} harts={statics.harts} live={ready} />
        )}
      </div>
    </section>
  );
}
