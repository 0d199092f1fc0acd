import { describe, it, expect } from 'vitest';
import { ManualClock } from '../../time/manual-clock';
import { BootTimer, BOOT_TIMER_MAGIC, bootTimerCmdlineArg, type BootTimeEvent } from './boot-timer';

function setup() {
  const clock = new ManualClock(1000);
  const events: BootTimeEvent[] = [];
  const lines: string[] = [];
  const timer = new BootTimer({
    clock,
    vmStartMs: 1000,
    onBootTime: (e) => events.push(e),
    log: (l) => lines.push(l),
  });
  return { clock, timer, events, lines };
}

describe('BootTimer', () => {
  it('records the time since VM start once, on the magic byte at offset 0', () => {
    const { clock, timer, events, lines } = setup();
    clock.advance(12.3456);
    timer.write(0, Uint8Array.of(1));
    timer.write(1, Uint8Array.of(BOOT_TIMER_MAGIC));
    expect(events).toEqual([]);
    timer.write(0, Uint8Array.of(BOOT_TIMER_MAGIC));
    clock.advance(100);
    timer.write(0, Uint8Array.of(BOOT_TIMER_MAGIC));
    expect(events).toEqual([{ bootTimeUs: 12346 }]);
    expect(lines).toEqual(['Guest-boot-time =  12346 us 12 ms']);
    expect(timer.bootTimeUs()).toBe(12346);
    expect(timer.metrics.boot_time_us.value()).toBe(12346);
  });

  it('accepts wider writes whose low byte is the magic, reads as zero', () => {
    const { timer, events } = setup();
    const d = Uint8Array.of(0xff, 0xff, 0xff, 0xff);
    timer.read(0, d);
    expect([...d]).toEqual([0, 0, 0, 0]);
    timer.write(0, Uint8Array.of(BOOT_TIMER_MAGIC, 0, 0, 0));
    expect(events).toHaveLength(1);
  });

  it('keeps the recorded time across a snapshot and refuses a second record', () => {
    const a = setup();
    a.clock.advance(5);
    a.timer.write(0, Uint8Array.of(BOOT_TIMER_MAGIC));
    const b = setup();
    b.timer.restore(a.timer.save());
    b.timer.write(0, Uint8Array.of(BOOT_TIMER_MAGIC));
    expect(b.events).toEqual([]);
    expect(b.timer.bootTimeUs()).toBe(5000);
    b.timer.restore({ bootTimeUs: -3 });
    expect(b.timer.bootTimeUs()).toBeUndefined();
  });

  it('names its platform address on the command line', () => {
    expect(bootTimerCmdlineArg('riscv64')).toBe('kindling.boot_timer=0x101000');
    expect(bootTimerCmdlineArg('x86_64')).toBe('kindling.boot_timer=0xd0000000');
  });
});
