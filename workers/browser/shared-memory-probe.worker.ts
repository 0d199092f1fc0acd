/// <reference lib="webworker" />
/** Writes the page's magic into the shared cell and wakes the page's waiter. */

interface ProbeRequest {
  cell: Int32Array;
  magic: number;
}

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  const { cell, magic } = event.data;
  Atomics.store(cell, 0, magic);
  Atomics.notify(cell, 0);
};
