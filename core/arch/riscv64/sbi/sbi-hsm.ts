/**
 * Hart State Management (EID "HSM"): start, stop, status, suspend.
 *
 * hart_start validates the hart id, then that start_addr is guest RAM, then asks the platform to
 * move the hart STOPPED -> START_PENDING atomically (a hart in any other state is
 * ALREADY_AVAILABLE). hart_stop never returns to the caller: the hart leaves run() stopped.
 * hart_suspend supports the default retentive type only, treated as WFI (the call returns
 * SUCCESS once an interrupt may be pending); the default non-retentive type answers
 * NOT_SUPPORTED and reserved or platform-specific types INVALID_PARAM, as the spec lists.
 */
import {
  HSM_SUSPEND_DEFAULT_NON_RETENTIVE,
  HSM_SUSPEND_DEFAULT_RETENTIVE,
  HsmFunction,
  HsmState,
  SbiError,
} from './sbi-constants';
import { LEAVE, fail, low32, ok, type SbiCall, type SbiOutcome } from './sbi-call';

function validHart(call: SbiCall, id: bigint): number | undefined {
  return id < BigInt(call.platform.hartCount) ? Number(id) : undefined;
}

export function handleHsm(call: SbiCall): SbiOutcome {
  const { platform, hart, args } = call;
  const [a0 = 0n, a1 = 0n, a2 = 0n] = args;
  switch (call.fid) {
    case HsmFunction.HART_START: {
      const target = validHart(call, a0);
      if (target === undefined) return fail(SbiError.INVALID_PARAM);
      if (!platform.isGuestRam(a1, 4n)) return fail(SbiError.INVALID_ADDRESS);
      if (platform.hartStatus(target) !== HsmState.STOPPED) return fail(SbiError.ALREADY_AVAILABLE);
      return platform.startHart(target, a1, a2) ? ok() : fail(SbiError.ALREADY_AVAILABLE);
    }
    case HsmFunction.HART_STOP:
      platform.stopHart(hart.hartId);
      return LEAVE;
    case HsmFunction.HART_GET_STATUS: {
      const target = validHart(call, a0);
      return target === undefined ? fail(SbiError.INVALID_PARAM) : ok(platform.hartStatus(target));
    }
    case HsmFunction.HART_SUSPEND: {
      const type = low32(a0);
      if (type === HSM_SUSPEND_DEFAULT_RETENTIVE) {
        platform.waitForInterrupt(hart.hartId);
        return ok();
      }
      if (type === HSM_SUSPEND_DEFAULT_NON_RETENTIVE) return fail(SbiError.NOT_SUPPORTED);
      return fail(SbiError.INVALID_PARAM);
    }
    default:
      return fail(SbiError.NOT_SUPPORTED);
  }
}
