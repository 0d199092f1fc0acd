/**
 * Legacy SBI v0.1 extensions (EIDs 0x00..0x08). They ignore a6, return only in a0 and preserve a1.
 *
 * Hart masks are passed by pointer: a0 is an S-mode virtual address of a bit vector (one u64
 * covers our at most 8 harts), read through the platform with the hart's current translation.
 * A null pointer means every hart (as KVM treats it). A pointer that does not translate returns
 * SBI_ERR_INVALID_ADDRESS in a0 instead of redirecting a page fault to the supervisor.
 */
import { SbiError, SbiExtension, SRST_REASON_NONE } from './sbi-constants';
import { decodeLegacyHartMask } from './hart-mask';
import { LEAVE, legacy, u64, type SbiCall, type SbiOutcome } from './sbi-call';
import type { RemoteFenceKind } from './sbi-interfaces';

function legacyTargets(call: SbiCall): number[] | undefined {
  const pointer = call.args[0] ?? 0n;
  const count = call.platform.hartCount;
  if (pointer === 0n) return Array.from({ length: count }, (_, i) => i);
  const word = call.platform.readGuestVirtualU64(call.hart.hartId, pointer);
  return word === undefined ? undefined : decodeLegacyHartMask(u64(word), count);
}

function legacyFence(call: SbiCall, kind: RemoteFenceKind): SbiOutcome {
  const targets = legacyTargets(call);
  if (!targets) return legacy(SbiError.INVALID_ADDRESS);
  const [, start = 0n, size = 0n, asid = 0n] = call.args;
  const whole = (start === 0n && size === 0n) || size === (1n << 64n) - 1n;
  const range = kind === 'fence.i' || whole ? undefined : { start, size };
  call.platform.remoteFence(targets, kind, range, kind === 'sfence.vma.asid' ? asid : undefined);
  return legacy(0);
}

/** Handle EID 0x00..0x08; returns undefined for any other EID. */
export function handleLegacy(eid: number, call: SbiCall): SbiOutcome | undefined {
  const { platform, hart } = call;
  const a0 = call.args[0] ?? 0n;
  switch (eid) {
    case SbiExtension.LEGACY_SET_TIMER:
      platform.setTimer(hart.hartId, a0);
      return legacy(0);
    case SbiExtension.LEGACY_CONSOLE_PUTCHAR:
      platform.consolePutchar(Number(a0 & 0xffn));
      return legacy(0);
    case SbiExtension.LEGACY_CONSOLE_GETCHAR: {
      const byte = platform.consoleGetchar();
      return legacy(byte >= 0 && byte <= 0xff ? byte : -1);
    }
    case SbiExtension.LEGACY_CLEAR_IPI:
      return legacy(platform.clearSupervisorSoftwareInterrupt(hart.hartId) ? 1 : 0);
    case SbiExtension.LEGACY_SEND_IPI: {
      const targets = legacyTargets(call);
      if (!targets) return legacy(SbiError.INVALID_ADDRESS);
      for (const target of targets) platform.sendSupervisorSoftwareInterrupt(target);
      return legacy(0);
    }
    case SbiExtension.LEGACY_REMOTE_FENCE_I:
      return legacyFence(call, 'fence.i');
    case SbiExtension.LEGACY_REMOTE_SFENCE_VMA:
      return legacyFence(call, 'sfence.vma');
    case SbiExtension.LEGACY_REMOTE_SFENCE_VMA_ASID:
      return legacyFence(call, 'sfence.vma.asid');
    case SbiExtension.LEGACY_SHUTDOWN:
      platform.systemReset('shutdown', SRST_REASON_NONE);
      return LEAVE;
    default:
      return undefined;
  }
}
