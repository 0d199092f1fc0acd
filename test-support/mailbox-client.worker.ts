/** Test worker: plays a vCPU that issues `count` exits (write then read back) through its slot. */
import { parentPort, workerData } from 'node:worker_threads';
import { ExitKind, ExitMailboxClient, ExitStatus } from '../core/vcpu/exit-mailbox';

const { buffer, slot, count } = workerData as {
  buffer: SharedArrayBuffer;
  slot: number;
  count: number;
};
const client = new ExitMailboxClient(buffer, slot);
let mismatches = 0;
let unmapped = 0;
for (let i = 0; i < count; i++) {
  const address = 0x1000_0000 + slot * 0x1000 + (i % 64) * 4;
  new DataView(client.bytes.buffer, client.bytes.byteOffset, 8).setUint32(0, i ^ slot, true);
  if (client.exchange(ExitKind.Write, address, 4) !== ExitStatus.Ok) unmapped++;
  if (client.exchange(ExitKind.Read, address, 4) !== ExitStatus.Ok) unmapped++;
  const back = new DataView(client.bytes.buffer, client.bytes.byteOffset, 8).getUint32(0, true);
  if (back !== (i ^ slot) >>> 0) mismatches++;
}
const wild = client.exchange(ExitKind.Read, 0xdead_0000_0000, 8);
parentPort?.postMessage({ mismatches, unmapped, wild });
