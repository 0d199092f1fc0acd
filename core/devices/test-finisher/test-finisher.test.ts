import { describe, it, expect } from 'vitest';
import { TestFinisher, type FinisherEvent } from './test-finisher';

function word(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

describe('SiFive test finisher', () => {
  it('decodes pass, reset and fail-with-code; ignores anything else', () => {
    const events: FinisherEvent[] = [];
    const dev = new TestFinisher((e) => events.push(e));
    dev.write(0, word(0x5555));
    dev.write(0, word(0x7777));
    dev.write(0, word((42 << 16) | 0x3333));
    dev.write(0, word(0x1234)); // unknown value
    dev.write(4, word(0x5555)); // wrong offset
    dev.write(0, new Uint8Array([0x55])); // too narrow
    expect(events).toEqual([{ kind: 'poweroff' }, { kind: 'reset' }, { kind: 'fail', code: 42 }]);
    const data = new Uint8Array([9, 9, 9, 9]);
    dev.read(0, data);
    expect([...data]).toEqual([0, 0, 0, 0]);
  });
});
