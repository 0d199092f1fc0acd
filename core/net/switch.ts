/**
 * An in-page learning Ethernet switch connecting several VMs' network devices (each VM gets a
 * port). It learns source MACs per port, forwards known unicast to one port and floods
 * broadcast, multicast and unknown unicast to every other port. Frames never go back out of the
 * port they came in on, so no loops are possible with one switch.
 */

/** What a switch port delivers frames to (a NetDevice's `receive`, a tap, a WebSocket...). */
export interface SwitchEndpoint {
  receive(frame: Uint8Array): boolean | void;
}

/** The switch side of a connection: hand it frames the endpoint transmits (it is a NetBackend). */
export interface SwitchPort {
  readonly id: number;
  send(frame: Uint8Array): void;
  /** Remove the port and forget the MACs learned on it. */
  detach(): void;
}

export interface SwitchMetrics {
  forwarded_unicast: number;
  flooded: number;
  dropped_runts: number;
  delivery_fails: number;
}

const ETH_HEADER = 14;
/** Learned MACs kept at most (oldest forgotten first). */
const MAX_LEARNED = 4096;

export class EthernetSwitch {
  private readonly ports = new Map<number, SwitchEndpoint>();
  /** MAC (as a 48-bit number) → port id; Map keeps insertion order, which gives LRU-ish eviction. */
  private readonly table = new Map<number, number>();
  private nextPort = 1;
  readonly metrics: SwitchMetrics = {
    forwarded_unicast: 0,
    flooded: 0,
    dropped_runts: 0,
    delivery_fails: 0,
  };

  attach(endpoint: SwitchEndpoint): SwitchPort {
    const id = this.nextPort++;
    this.ports.set(id, endpoint);
    return {
      id,
      send: (frame) => this.forward(id, frame),
      detach: () => {
        this.ports.delete(id);
        for (const [mac, port] of this.table) if (port === id) this.table.delete(mac);
      },
    };
  }

  /** Port a MAC was learned on, if any (for tests and diagnostics). */
  portOf(mac: Uint8Array): number | undefined {
    return this.table.get(macKey(mac, 0));
  }

  private forward(from: number, frame: Uint8Array): void {
    if (!this.ports.has(from)) return;
    if (frame.length < ETH_HEADER) {
      this.metrics.dropped_runts++;
      return;
    }
    const src = macKey(frame, 6);
    if ((frame[6]! & 1) === 0) this.learn(src, from);
    const dst = macKey(frame, 0);
    const multicast = (frame[0]! & 1) !== 0;
    const to = multicast ? undefined : this.table.get(dst);
    if (to !== undefined) {
      if (to !== from) {
        this.metrics.forwarded_unicast++;
        this.deliver(to, frame);
      }
      return;
    }
    this.metrics.flooded++;
    for (const id of [...this.ports.keys()]) if (id !== from) this.deliver(id, frame);
  }

  private learn(mac: number, port: number): void {
    if (this.table.get(mac) === port) return;
    this.table.delete(mac);
    this.table.set(mac, port);
    if (this.table.size > MAX_LEARNED) {
      const oldest = this.table.keys().next();
      if (!oldest.done) this.table.delete(oldest.value);
    }
  }

  private deliver(port: number, frame: Uint8Array): void {
    try {
      // Each endpoint gets its own copy: receivers may keep it.
      if (this.ports.get(port)?.receive(Uint8Array.from(frame)) === false)
        this.metrics.delivery_fails++;
    } catch {
      this.metrics.delivery_fails++;
    }
  }
}

function macKey(bytes: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 6; i++) v = v * 256 + (bytes[at + i] ?? 0);
  return v;
}
