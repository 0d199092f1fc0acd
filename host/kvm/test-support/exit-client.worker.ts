/** Test worker: plays a vCPU thread issuing port and MMIO accesses through MailboxDeviceAccess. */
import { parentPort, workerData } from 'node:worker_threads';
import { MailboxDeviceAccess } from '../vcpu-exits';

const { buffer, slot } = workerData as { buffer: SharedArrayBuffer; slot: number };
const access = new MailboxDeviceAccess(buffer, slot);
const portIn = new Uint8Array(2);
const mmioIn = new Uint8Array(8);
const results = {
  portWrite: access.pioWrite(0x3f8, Uint8Array.of(0x41)),
  portRead: access.pioRead(0x3f8, portIn),
  portValue: Array.from(portIn),
  unclaimedPort: access.pioRead(0x2f8, new Uint8Array(1)),
  mmioWrite: access.mmioWrite(0xd000_0008, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)),
  mmioRead: access.mmioRead(0xd000_0008, mmioIn),
  mmioValue: Array.from(mmioIn),
  unmappedMmio: access.mmioRead(0xe000_0000, new Uint8Array(4)),
  throwingDevice: access.mmioWrite(0xd000_1000, Uint8Array.of(1)),
  oddSize: access.mmioRead(0xd000_0000, new Uint8Array(3)),
  // The same number in the MMIO space is not the port: the two address spaces stay apart.
  mmioAtPortNumber: access.mmioRead(0x3f8, new Uint8Array(1)),
};
parentPort?.postMessage(results);
