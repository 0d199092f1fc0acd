/**
 * The page's virtual Ethernet segment: one core/net EthernetSwitch on the page, and for each VM a
 * MessageChannel whose far end the VMM worker links to the VM's virtio-net device. Every VM gets a
 * distinct locally administered MAC (02:4b:4e:00:00:NN) so the switch can learn them.
 */
import * as Comlink from 'comlink';
import { EthernetSwitch, type SwitchPort } from '../../core/net/switch';
import { callApi, type VmHandle } from '../machine/machine-client';
import type { NetworkHooks } from '../vm/ui-vm';

export const GUEST_IFACE = 'eth0';

interface Link {
  switchPort: SwitchPort;
  channel: MessagePort;
}

export function macFor(index: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `02:4b:4e:00:${hex((index >> 8) & 0xff)}:${hex(index & 0xff)}`;
}

export class PageNetwork {
  readonly switch = new EthernetSwitch();
  private readonly links = new Map<VmHandle, Link>();
  private nextIndex = 1;

  /** Hooks for one VM; its MAC is fixed now so a reset keeps it. */
  hooks(): NetworkHooks {
    const mac = macFor(this.nextIndex++);
    return {
      configure: async (vm) => {
        await callApi(vm, 'PUT', `/network-interfaces/${GUEST_IFACE}`, {
          iface_id: GUEST_IFACE,
          host_dev_name: 'kindling-page-switch',
          guest_mac: mac,
        });
      },
      connect: async (vm) => {
        const { port1, port2 } = new MessageChannel();
        const switchPort = this.switch.attach({
          receive: (frame) => port1.postMessage(frame),
        });
        port1.onmessage = (event: MessageEvent<unknown>) => {
          if (event.data instanceof Uint8Array) switchPort.send(event.data);
        };
        this.links.set(vm, { switchPort, channel: port1 });
        await vm.api.connectNet(GUEST_IFACE, Comlink.transfer(port2, [port2]));
      },
      disconnect: (vm) => {
        const link = this.links.get(vm);
        if (!link) return;
        link.switchPort.detach();
        link.channel.close();
        this.links.delete(vm);
      },
    };
  }

  get connectedVms(): number {
    return this.links.size;
  }
}
