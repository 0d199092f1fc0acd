/**
 * Debug Console extension (EID "DBCN", SBI v2.0): write/read byte runs at a physical address,
 * write one byte. Buffers are guest *physical* (base_addr_lo/hi; hi must be 0 here, our RAM is
 * below 2^64 anyway); any byte outside RAM is SBI_ERR_INVALID_PARAM, as the spec's shared-memory
 * rules require. Calls are non-blocking and may do partial work, so one call moves at most
 * {@link DBCN_MAX_BYTES} bytes: a hostile length cannot make the VMM allocate or loop unboundedly.
 */
import { DbcnFunction, SbiError } from './sbi-constants';
import { fail, ok, type SbiCall, type SbiOutcome } from './sbi-call';

export const DBCN_MAX_BYTES = 4096;

export function handleDbcn(call: SbiCall): SbiOutcome {
  const { platform } = call;
  const [a0 = 0n, a1 = 0n, a2 = 0n] = call.args;
  switch (call.fid) {
    case DbcnFunction.CONSOLE_WRITE: {
      if (a2 !== 0n || !platform.isGuestRam(a1, a0)) return fail(SbiError.INVALID_PARAM);
      const length = Number(a0 < BigInt(DBCN_MAX_BYTES) ? a0 : BigInt(DBCN_MAX_BYTES));
      const bytes = platform.readGuestPhysical(a1, length);
      if (!bytes) return fail(SbiError.INVALID_PARAM);
      for (const byte of bytes) platform.consolePutchar(byte);
      return ok(bytes.length);
    }
    case DbcnFunction.CONSOLE_READ: {
      if (a2 !== 0n || !platform.isGuestRam(a1, a0)) return fail(SbiError.INVALID_PARAM);
      const limit = Number(a0 < BigInt(DBCN_MAX_BYTES) ? a0 : BigInt(DBCN_MAX_BYTES));
      const bytes: number[] = [];
      while (bytes.length < limit) {
        const byte = platform.consoleGetchar();
        if (byte < 0 || byte > 0xff) break;
        bytes.push(byte);
      }
      if (bytes.length > 0 && !platform.writeGuestPhysical(a1, Uint8Array.from(bytes)))
        return fail(SbiError.FAILED);
      return ok(bytes.length);
    }
    case DbcnFunction.CONSOLE_WRITE_BYTE:
      platform.consolePutchar(Number(a0 & 0xffn));
      return ok();
    default:
      return fail(SbiError.NOT_SUPPORTED);
  }
}
