import { describe, it, expect } from 'vitest';
import { NetTestVm, ethernetFrame, BROADCAST } from '../test-support/net-vm';
import { EthernetSwitch } from './switch';

const macs = [1, 2, 3].map((n) => new Uint8Array([0x02, 0, 0, 0, 0, n]));

function threeVms() {
  const sw = new EthernetSwitch();
  const vms = macs.map((mac) => {
    const vm = new NetTestVm(mac);
    vm.device.backend = sw.attach(vm.device);
    vm.postRx(8);
    return vm;
  });
  return { sw, vms };
}

describe('EthernetSwitch with virtio-net guests', () => {
  it('carries frames between two VMs in both directions', () => {
    const { vms } = threeVms();
    const [a, b] = vms as [NetTestVm, NetTestVm];
    const ping = ethernetFrame(macs[1]!, macs[0]!, new TextEncoder().encode('ping'));
    a.send(ping);
    expect(b.receivedFrames()).toEqual([ping]);
    const pong = ethernetFrame(macs[0]!, macs[1]!, new TextEncoder().encode('pong'));
    b.send(pong);
    expect(a.receivedFrames()).toEqual([pong]);
  });

  it('floods broadcast and unknown unicast, then forwards learned unicast to one port', () => {
    const { sw, vms } = threeVms();
    const [a, b, c] = vms as [NetTestVm, NetTestVm, NetTestVm];
    const hello = ethernetFrame(BROADCAST, macs[0]!, new Uint8Array([1]));
    a.send(hello);
    expect(b.receivedFrames()).toEqual([hello]);
    expect(c.receivedFrames()).toEqual([hello]);
    expect(a.receivedFrames()).toEqual([]);
    // c has not spoken yet: a frame to c floods to b and c.
    const toC = ethernetFrame(macs[2]!, macs[1]!, new Uint8Array([2]));
    b.send(toC);
    expect(c.receivedFrames()).toEqual([toC]);
    expect(a.receivedFrames()).toEqual([toC]);
    // a and b are learned now: unicast reaches only its destination.
    const toA = ethernetFrame(macs[0]!, macs[2]!, new Uint8Array([3]));
    c.send(toA);
    expect(a.receivedFrames()).toEqual([toA]);
    expect(b.receivedFrames()).toEqual([]);
    expect(sw.portOf(macs[0]!)).toBeDefined();
    expect(sw.metrics.forwarded_unicast).toBe(1);
    expect(sw.metrics.flooded).toBe(2);
  });

  it('forgets a detached port and drops runts', () => {
    const sw = new EthernetSwitch();
    const got: Uint8Array[] = [];
    const p1 = sw.attach({ receive: (f) => void got.push(f) });
    const p2 = sw.attach({ receive: () => true });
    p1.send(ethernetFrame(BROADCAST, macs[0]!, new Uint8Array(1)));
    expect(sw.portOf(macs[0]!)).toBe(p1.id);
    p1.detach();
    expect(sw.portOf(macs[0]!)).toBeUndefined();
    p2.send(new Uint8Array(10));
    expect(sw.metrics.dropped_runts).toBe(1);
    p2.send(ethernetFrame(macs[0]!, macs[1]!, new Uint8Array(1)));
    expect(got).toEqual([]);
  });
});
