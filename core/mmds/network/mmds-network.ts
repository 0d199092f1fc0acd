/**
 * The MMDS as one microVM's guest reaches it: the shared store (so `PUT`/`PATCH /mmds` after boot
 * are seen at once), the V2 session tokens, and one network stack per interface named in
 * `PUT /mmds/config`. `attach` hooks a virtio-net device: the frames it transmits to the MMDS
 * address go to the stack instead of the interface's backend (whatever backend is set, now or
 * later), and the stack's replies enter the device's receive path like any inbound frame.
 */
import type { Clock, Scheduler } from '../../time/clock';
import { readGroup, type MetricValues } from '../../metrics/metric';
import { DEFAULT_MMDS_IPV4_ADDRESS, type MmdsConfig } from '../config';
import { createMmdsMetrics, handleMmdsRequest, type MmdsGuestContext } from '../imds';
import type { MmdsStore } from '../store';
import { MmdsTokenAuthority } from '../tokens';
import { MmdsNetStack, type MmdsNetStackOptions } from './mmds-net-stack';
import { parseIpv4 } from './packets';

export interface MmdsNetworkOptions {
  store: MmdsStore;
  config: MmdsConfig;
  clock: Clock;
  scheduler: Scheduler;
  /** Cryptographically random bytes (tokens, TCP initial sequence numbers). */
  random: (buf: Uint8Array) => void;
  /** Test hooks: connection bound and TCP timing. */
  stack?: Pick<MmdsNetStackOptions, 'maxConnections' | 'tcp'>;
}

/** The two hooks of a virtio-net device (`NetDevice`) the MMDS uses. */
export interface MmdsNetDevice {
  /** Delivers a frame to the guest; false when it was dropped. */
  receive(frame: Uint8Array): boolean;
  /** Sees each frame the guest transmits before the backend; true consumes it. */
  txInterceptor: ((frame: Uint8Array) => boolean) | undefined;
}

export class MmdsNetwork {
  readonly context: MmdsGuestContext;
  readonly address: number;
  /** The stack of each attached interface, by iface_id. */
  readonly stacks = new Map<string, MmdsNetStack>();

  constructor(private readonly options: MmdsNetworkOptions) {
    const text = options.config.ipv4_address ?? DEFAULT_MMDS_IPV4_ADDRESS;
    const address = parseIpv4(text);
    if (address === undefined) throw new RangeError(`invalid MMDS IPv4 address: ${text}`);
    this.address = address;
    const tokens = new MmdsTokenAuthority(options.clock, (length) => {
      const bytes = new Uint8Array(length);
      options.random(bytes);
      return bytes;
    });
    this.context = {
      store: options.store,
      tokens,
      version: options.config.version ?? 'V1',
      imdsCompat: options.config.imds_compat ?? false,
      metrics: createMmdsMetrics(),
    };
  }

  /**
   * The `mmds` metrics group: request counters (flushed when `consume`) and, per interface, the
   * network stack's running totals.
   */
  metrics(consume: boolean): MetricValues {
    const values = this.context.metrics ? readGroup(this.context.metrics, consume) : {};
    for (const [id, stack] of this.stacks) values[`net_${id}`] = { ...stack.metrics };
    return values;
  }

  servesInterface(ifaceId: string): boolean {
    return this.options.config.network_interfaces.includes(ifaceId);
  }

  /** Answers MMDS traffic on this device from now on. */
  attach(ifaceId: string, device: MmdsNetDevice): MmdsNetStack {
    const stack = new MmdsNetStack({
      address: this.address,
      serve: (request) => handleMmdsRequest(this.context, request),
      deliver: (frame) => device.receive(frame),
      scheduler: this.options.scheduler,
      random: this.options.random,
      ...this.options.stack,
    });
    device.txInterceptor = (frame) => stack.handleGuestFrame(frame);
    this.stacks.set(ifaceId, stack);
    return stack;
  }
}
