import { describe, it, expect } from 'vitest';
import { NetTestVm, ethernetFrame, BROADCAST } from '../../test-support/net-vm';
import { ManualClock } from '../../time/manual-clock';
import { MmdsStore } from '../store';
import { MmdsNetwork } from './mmds-network';
import { MMDS_MAC } from './mmds-net-stack';
import { GUEST_MAC, GuestTcp, MMDS_IP, arpRequest } from './test-support/guest-peer';

function vmWithMmds(config: { version?: 'V1' | 'V2'; ipv4_address?: string } = {}) {
  const clock = new ManualClock();
  const store = new MmdsStore();
  store.put({ latest: { 'meta-data': { 'instance-id': 'i-1' } } });
  const vm = new NetTestVm(GUEST_MAC);
  vm.postRx(16);
  const network = new MmdsNetwork({
    store,
    config: { network_interfaces: ['eth0'], ...config },
    clock,
    scheduler: clock,
    random: (buf) => buf.fill(3),
  });
  const stack = network.attach('eth0', vm.device);
  return { vm, stack, network, store };
}

describe('MmdsNetwork on a virtio-net device', () => {
  it('answers through the device receive path and leaves other frames to whatever backend is set', () => {
    const { vm, stack } = vmWithMmds();
    const first: Uint8Array[] = [];
    const later: Uint8Array[] = [];
    vm.device.backend = { send: (f) => first.push(f) };
    vm.send(arpRequest(MMDS_IP));
    const [reply] = vm.receivedFrames();
    expect(reply?.subarray(6, 12)).toEqual(MMDS_MAC);
    const other = ethernetFrame(BROADCAST, GUEST_MAC, new Uint8Array(50));
    vm.send(other);
    vm.device.backend = { send: (f) => later.push(f) }; // e.g. a switch port attached after boot
    vm.send(arpRequest(MMDS_IP));
    vm.send(other);
    expect(first).toEqual([other]);
    expect(later).toEqual([other]);
    expect(vm.receivedFrames()).toHaveLength(1);
    expect(stack.metrics.arp_replies).toBe(2);
  });

  it('drops non-MMDS frames when the interface has no backend', () => {
    const { vm, stack } = vmWithMmds();
    vm.send(ethernetFrame(BROADCAST, GUEST_MAC, new Uint8Array(50)));
    expect(vm.receivedFrames()).toHaveLength(0);
    expect(vm.device.metrics.tx_fails).toBe(0);
    expect(stack.metrics.frames_handled).toBe(0);
  });

  it('serves HTTP to a guest on a configured address, through the real device', () => {
    const { vm } = vmWithMmds({ ipv4_address: '169.254.1.1' });
    vm.send(arpRequest(MMDS_IP)); // the default address is not this MMDS's: no answer
    expect(vm.receivedFrames()).toHaveLength(0);
    vm.send(arpRequest(0xa9fe0101));
    expect(vm.receivedFrames()).toHaveLength(1);

    const client = new GuestTcp(33000, (f) => vm.send(f), 77, 0xa9fe0101);
    const pump = () => {
      for (let frames = vm.receivedFrames(); frames.length > 0; frames = vm.receivedFrames()) {
        vm.postRx(frames.length);
        frames.forEach((f) => client.receive(f));
      }
    };
    client.connect(1460);
    pump();
    client.write('GET /latest/meta-data/instance-id HTTP/1.1\r\nConnection: close\r\n\r\n');
    pump();
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK[^]*\r\n\r\ni-1$/);
    expect(client.finReceived).toBe(true);
  });

  it('refuses an invalid address', () => {
    expect(
      () =>
        new MmdsNetwork({
          store: new MmdsStore(),
          config: { network_interfaces: [], ipv4_address: 'nope' },
          clock: new ManualClock(),
          scheduler: new ManualClock(),
          random: () => undefined,
        }),
    ).toThrow(/invalid MMDS IPv4 address/);
  });
});
