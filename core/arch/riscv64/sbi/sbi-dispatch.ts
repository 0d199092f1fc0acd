/**
 * The SBI implemented by the machine itself, for an S-mode kernel booted without firmware.
 *
 * The CPU calls the `sbi_call(hart)` import on ECALL from S-mode; the machine wraps the hart's
 * registers in an {@link SbiHart} and calls {@link handleSbiCall}, which decodes a7 (EID) and a6
 * (FID), runs the function against the {@link SbiPlatform}, writes a0/a1 and returns what the
 * import must return: SBI_CONTINUE (the CPU steps past the ecall) or SBI_LEAVE_RUN (hart stopped,
 * machine resetting). EIDs and FIDs are signed 32-bit values sign-extended to 64 bits; anything
 * else, and any unknown EID or FID, is SBI_ERR_NOT_SUPPORTED. Nothing here throws on guest input.
 *
 * Implemented: BASE, TIME, IPI, RFENCE (fence.i, sfence.vma, sfence.vma.asid; the hypervisor
 * fences are NOT_SUPPORTED), HSM, SRST, DBCN, and legacy EIDs 0x00..0x08.
 */
import {
  BaseFunction,
  RfenceFunction,
  SBI_CONTINUE,
  SBI_IMPL_ID,
  SBI_IMPL_VERSION,
  SBI_LEAVE_RUN,
  SBI_SPEC_VERSION,
  SRST_REASON_NONE,
  SRST_REASON_SYSTEM_FAILURE,
  SRST_TYPE_COLD_REBOOT,
  SRST_TYPE_SHUTDOWN,
  SRST_TYPE_WARM_REBOOT,
  SbiError,
  SbiExtension,
  type SbiExit,
} from './sbi-constants';
import { decodeHartMask } from './hart-mask';
import { handleDbcn } from './sbi-dbcn';
import { handleHsm } from './sbi-hsm';
import { handleLegacy } from './sbi-legacy';
import { LEAVE, U64_MASK, fail, low32, ok, u64, type SbiCall, type SbiOutcome } from './sbi-call';
import type { RemoteFenceKind, SbiHart, SbiPlatform, SystemResetType } from './sbi-interfaces';

const SUPPORTED_EXTENSIONS: ReadonlySet<number> = new Set(Object.values(SbiExtension));

/** Decode the register as a sign-extended 32-bit id, or undefined if it is not one. */
function id32(register: bigint): number | undefined {
  const value = u64(register);
  const signed = BigInt.asIntN(32, value);
  return u64(signed) === value ? Number(signed) : undefined;
}

/** Dispatch one SBI call from `hart`; see the module comment. */
export function handleSbiCall(hart: SbiHart, platform: SbiPlatform): SbiExit {
  const args = [0, 1, 2, 3, 4, 5].map((i) => u64(hart.readArg(i)));
  const call: SbiCall = { hart, platform, args, fid: id32(hart.readArg(6)) };
  const eid = id32(hart.readArg(7));
  const outcome = eid === undefined ? fail(SbiError.NOT_SUPPORTED) : dispatch(eid, call);
  switch (outcome.kind) {
    case 'return':
      hart.writeA0(u64(BigInt(outcome.error)));
      hart.writeA1(u64(outcome.value));
      return SBI_CONTINUE;
    case 'legacy':
      hart.writeA0(u64(outcome.a0));
      return SBI_CONTINUE;
    case 'leave':
      return SBI_LEAVE_RUN;
  }
}

function dispatch(eid: number, call: SbiCall): SbiOutcome {
  switch (eid) {
    case SbiExtension.BASE:
      return handleBase(call);
    case SbiExtension.TIME:
      if (call.fid !== 0) return fail(SbiError.NOT_SUPPORTED);
      call.platform.setTimer(call.hart.hartId, call.args[0] ?? 0n);
      return ok();
    case SbiExtension.IPI:
      return call.fid === 0 ? sendIpi(call) : fail(SbiError.NOT_SUPPORTED);
    case SbiExtension.RFENCE:
      return handleRfence(call);
    case SbiExtension.HSM:
      return handleHsm(call);
    case SbiExtension.SRST:
      return call.fid === 0 ? systemReset(call) : fail(SbiError.NOT_SUPPORTED);
    case SbiExtension.DBCN:
      return handleDbcn(call);
    default:
      return handleLegacy(eid, call) ?? fail(SbiError.NOT_SUPPORTED);
  }
}

function handleBase(call: SbiCall): SbiOutcome {
  switch (call.fid) {
    case BaseFunction.GET_SPEC_VERSION:
      return ok(SBI_SPEC_VERSION);
    case BaseFunction.GET_IMPL_ID:
      return ok(SBI_IMPL_ID);
    case BaseFunction.GET_IMPL_VERSION:
      return ok(SBI_IMPL_VERSION);
    case BaseFunction.PROBE_EXTENSION: {
      const probed = id32(call.args[0] ?? 0n);
      return ok(probed !== undefined && SUPPORTED_EXTENSIONS.has(probed) ? 1 : 0);
    }
    case BaseFunction.GET_MVENDORID:
    case BaseFunction.GET_MARCHID:
    case BaseFunction.GET_MIMPID:
      return ok(0);
    default:
      return fail(SbiError.NOT_SUPPORTED);
  }
}

function sendIpi(call: SbiCall): SbiOutcome {
  const [mask = 0n, base = 0n] = call.args;
  const targets = decodeHartMask(mask, base, call.platform.hartCount);
  if (!targets) return fail(SbiError.INVALID_PARAM);
  for (const target of targets) call.platform.sendSupervisorSoftwareInterrupt(target);
  return ok();
}

const FENCE_KINDS: Readonly<Record<number, RemoteFenceKind>> = {
  [RfenceFunction.REMOTE_FENCE_I]: 'fence.i',
  [RfenceFunction.REMOTE_SFENCE_VMA]: 'sfence.vma',
  [RfenceFunction.REMOTE_SFENCE_VMA_ASID]: 'sfence.vma.asid',
};

function handleRfence(call: SbiCall): SbiOutcome {
  const kind = call.fid === undefined ? undefined : FENCE_KINDS[call.fid];
  if (!kind) return fail(SbiError.NOT_SUPPORTED); // HFENCE.*: no hypervisor extension
  const [mask = 0n, base = 0n, start = 0n, size = 0n, asid = 0n] = call.args;
  const targets = decodeHartMask(mask, base, call.platform.hartCount);
  if (!targets) return fail(SbiError.INVALID_PARAM);
  let range: { start: bigint; size: bigint } | undefined;
  if (kind !== 'fence.i' && !((start === 0n && size === 0n) || size === U64_MASK)) {
    if (start + size > U64_MASK + 1n) return fail(SbiError.INVALID_ADDRESS);
    range = { start, size };
  }
  call.platform.remoteFence(targets, kind, range, kind === 'sfence.vma.asid' ? asid : undefined);
  return ok();
}

const RESET_TYPES: Readonly<Record<number, SystemResetType>> = {
  [SRST_TYPE_SHUTDOWN]: 'shutdown',
  [SRST_TYPE_COLD_REBOOT]: 'cold-reboot',
  [SRST_TYPE_WARM_REBOOT]: 'warm-reboot',
};

function systemReset(call: SbiCall): SbiOutcome {
  const type = RESET_TYPES[low32(call.args[0] ?? 0n)];
  const reason = low32(call.args[1] ?? 0n);
  // Vendor/platform-specific types and reasons are not implemented: INVALID_PARAM per the spec.
  if (!type || (reason !== SRST_REASON_NONE && reason !== SRST_REASON_SYSTEM_FAILURE))
    return fail(SbiError.INVALID_PARAM);
  call.platform.systemReset(type, reason);
  return LEAVE;
}
