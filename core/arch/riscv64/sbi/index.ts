/** The SBI the riscv64 machine provides to an S-mode kernel booted without firmware. */
export { handleSbiCall } from './sbi-dispatch';
export type {
  FenceRange,
  RemoteFenceKind,
  SbiHart,
  SbiPlatform,
  SystemResetType,
} from './sbi-interfaces';
export {
  HsmState,
  SBI_CONTINUE,
  SBI_IMPL_ID,
  SBI_LEAVE_RUN,
  SBI_SPEC_VERSION,
  SbiError,
  SbiExtension,
  type HsmStateId,
  type SbiExit,
} from './sbi-constants';
export { HartStateTable } from './hart-state-table';
export { DBCN_MAX_BYTES } from './sbi-dbcn';
