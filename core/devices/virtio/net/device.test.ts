import { describe, it, expect } from 'vitest';
import { NetTestVm, ethernetFrame, BROADCAST } from '../../../test-support/net-vm';
import { RecordingLine } from '../../../test-support/test-memory';
import { VirtioMmioTransport } from '../../../virtio/mmio-transport';
import { Interrupt } from '../../../virtio/constants';
import { NetDevice, NetFeature } from './device';
import { restoreNet, saveNet } from './persist';
import { RateLimiter } from '../../../rate-limiter/rate-limiter';
import { ManualClock } from '../../../time/manual-clock';

const MAC = new Uint8Array([0x02, 0, 0, 0, 0, 1]);
const PEER = new Uint8Array([0x02, 0, 0, 0, 0, 2]);

describe('virtio-net', () => {
  it('exposes MAC and link status in config', () => {
    const vm = new NetTestVm(MAC);
    expect(vm.driver.hasFeature(NetFeature.MAC)).toBe(true);
    expect(vm.driver.readConfig(0, 6)).toEqual(MAC);
    expect(vm.driver.readConfig(6, 2)).toEqual(new Uint8Array([1, 0]));
    vm.driver.ackInterrupts();
    vm.device.setLinkUp(false);
    expect(vm.driver.readConfig(6, 2)).toEqual(new Uint8Array([0, 0]));
    expect(vm.driver.interruptStatus() & Interrupt.CONFIG_CHANGE).toBeTruthy();
  });

  it('transmits frames to the backend without the virtio header', () => {
    const sent: Uint8Array[] = [];
    const vm = new NetTestVm(MAC, { backend: { send: (f) => sent.push(f) } });
    const frame = ethernetFrame(PEER, MAC, new Uint8Array([1, 2, 3]));
    vm.send(frame);
    vm.send(new Uint8Array(5)); // runt: counted, not sent
    expect(sent).toEqual([frame]);
    expect(vm.device.metrics.tx_packets_count).toBe(1);
    expect(vm.device.metrics.tx_bytes_count).toBe(frame.length);
    expect(vm.device.metrics.tx_malformed_frames).toBe(1);
  });

  it('buffers received frames until rx buffers arrive, dropping beyond the bound', () => {
    const vm = new NetTestVm(MAC, { rxBufferFrames: 2 });
    const frames = [1, 2, 3].map((n) => ethernetFrame(MAC, PEER, new Uint8Array([n])));
    expect(frames.map((f) => vm.device.receive(f))).toEqual([true, true, false]);
    expect(vm.device.metrics.rx_dropped_frames).toBe(1);
    vm.postRx(4);
    expect(vm.receivedFrames()).toEqual(frames.slice(0, 2));
    expect(vm.line.level).toBe(true);
    vm.device.receive(frames[2]!);
    expect(vm.receivedFrames()).toEqual([frames[2]]);
    expect(vm.device.metrics.rx_packets_count).toBe(3);
  });

  it('drops a frame that does not fit the posted buffer and keeps going', () => {
    const vm = new NetTestVm(MAC);
    vm.postRx(1, 20);
    vm.device.receive(ethernetFrame(MAC, PEER, new Uint8Array(100)));
    expect(vm.receivedFrames()).toEqual([]);
    expect(vm.device.metrics.rx_fails).toBe(1);
    vm.postRx(1);
    const ok = ethernetFrame(MAC, PEER, new Uint8Array(100).fill(7));
    vm.device.receive(ok);
    expect(vm.receivedFrames()).toEqual([ok]);
  });

  it('throttles tx and rx with rate limiters and resumes on the scheduler', () => {
    const clock = new ManualClock();
    const sent: Uint8Array[] = [];
    const vm = new NetTestVm(MAC, {
      backend: { send: (f) => sent.push(f) },
      txRateLimiter: new RateLimiter({ ops: { size: 1, refill_time: 100 } }, clock),
      rxRateLimiter: new RateLimiter({ ops: { size: 1, refill_time: 100 } }, clock),
      scheduler: clock,
    });
    vm.driver.submit(1, [
      { data: new Uint8Array(12) },
      { data: ethernetFrame(PEER, MAC, new Uint8Array(1)) },
    ]);
    vm.driver.submit(1, [
      { data: new Uint8Array(12) },
      { data: ethernetFrame(PEER, MAC, new Uint8Array(2)) },
    ]);
    vm.driver.notify(1);
    expect(sent.length).toBe(1);
    expect(vm.device.metrics.tx_rate_limiter_throttled).toBe(1);
    vm.postRx(2);
    vm.device.receive(ethernetFrame(MAC, PEER, new Uint8Array(1)));
    vm.device.receive(ethernetFrame(MAC, PEER, new Uint8Array(2)));
    expect(vm.receivedFrames().length).toBe(1);
    clock.advance(200);
    expect(sent.length).toBe(2);
    expect(vm.receivedFrames().length).toBe(1);
  });

  it('restores a snapshot bit-identically', () => {
    const vm = new NetTestVm(MAC);
    vm.postRx(3);
    vm.send(ethernetFrame(PEER, MAC, new Uint8Array(10)));
    const saved = JSON.parse(JSON.stringify(saveNet(vm.device, vm.transport)));
    const device = new NetDevice({ mac: MAC });
    const transport = new VirtioMmioTransport(device, vm.memory, new RecordingLine());
    restoreNet(device, transport, saved);
    expect(saveNet(device, transport)).toEqual(saved);
    // The restored device delivers into the buffers posted before the snapshot.
    expect(device.receive(ethernetFrame(BROADCAST, PEER, new Uint8Array(1)))).toBe(true);
    expect(device.metrics.rx_packets_count).toBe(1);
  });
});
