/**
 * Connects a VM's virtio-net device to a MessagePort (added for the playground's in-page virtual
 * switch, web/net): frames the guest transmits go out as Uint8Array messages, messages coming in
 * are delivered to the guest. The other end of the port is a port of core/net's EthernetSwitch
 * on the page, so VMs in different VMM workers share one Ethernet segment.
 */
import type { NetDevice } from '../../core/devices/virtio/net/device';

/** Largest frame accepted from the port (a jumbo-less Ethernet frame with a VLAN tag). */
const MAX_FRAME = 1522;

export function linkNetPort(device: NetDevice, port: MessagePort): void {
  device.backend = { send: (frame) => port.postMessage(frame.slice()) };
  port.onmessage = (event: MessageEvent<unknown>) => {
    const frame = event.data;
    // Anything else on the port (hostile or mistaken) is dropped, never thrown.
    if (frame instanceof Uint8Array && frame.length >= 14 && frame.length <= MAX_FRAME) {
      device.receive(frame);
    }
  };
  port.start();
}
