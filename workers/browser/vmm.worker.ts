/// <reference lib="webworker" />
/**
 * The VMM worker: one microVM per worker. It holds the devices and answers the vCPU workers'
 * exits; the page drives it through Comlink with the VmmApi contract (vmm-api.ts).
 */
import * as Comlink from 'comlink';
import { BrowserVmm } from './browser-vmm';
import {
  compileCpuModule,
  createBrowserMachine,
  hostNow,
  timeoutScheduler,
} from './browser-machine-ports';
import type { VmmApi } from './vmm-api';

const vmm = new BrowserVmm({
  cpuModule: compileCpuModule(),
  createMachine: (spec, module) =>
    createBrowserMachine(spec, module, (line) => console.info(`[kindling vmm] ${line}`)),
  scheduler: timeoutScheduler,
  nowMs: hostNow,
});

/** Comlink needs transferables marked: file contents leave the worker without a second copy. */
const api: VmmApi = {
  putFile: (path, bytes) => vmm.putFile(path, bytes),
  listFiles: () => vmm.listFiles(),
  readFile: async (path) => {
    const bytes = await vmm.readFile(path);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
  deleteFile: (path) => vmm.deleteFile(path),
  request: (method, path, body) => vmm.request(method, path, body),
  attachConsole: (onOutput) => vmm.attachConsole(onOutput),
  sendInput: (bytes) => vmm.sendInput(bytes),
  onEvent: (callback) => vmm.onEvent(callback),
  configureJit: (settings) => vmm.configureJit(settings),
  metrics: () => vmm.metrics(),
  readHartState: (hart) => vmm.readHartState(hart),
  busMap: () => vmm.busMap(),
  deviceTree: () => vmm.deviceTree(),
  pageWalk: (hart, va) => vmm.pageWalk(hart, va),
  virtqueue: (slot, queue) => vmm.virtqueue(slot, queue),
  translate: (hart, va) => vmm.translate(hart, va),
  recordExits: (on) => vmm.recordExits(on),
  recentExits: () => vmm.recentExits(),
  connectNet: (ifaceId, port) => vmm.connectNet(ifaceId, port),
  kill: () => vmm.kill(),
};

Comlink.expose(api);
