/** The riscv64 platform: memory map, device tree, PLIC, SBI and Linux boot planning. */
export * from './memory-map';
export {
  buildDeviceTree,
  buildDeviceTreeNodes,
  effectiveBootargs,
  isaExtensionList,
  DEFAULT_RISCV_ISA,
  DeviceTreeError,
  type MmuType,
  type RiscvMachineDescription,
} from './device-tree';
export {
  parseImageHeader,
  ImageFormatError,
  IMAGE_HEADER_SIZE,
  type RiscvImageHeader,
} from './image-header';
export {
  computeBootLayout,
  BootPlacementError,
  BOOT_ALIGNMENT,
  DTB_SLOT_SIZE,
  type BootLayout,
  type BootLayoutInput,
  type Range,
} from './boot-layout';
export {
  planRiscvBoot,
  RiscvBootError,
  BOOT_HART,
  PRIVILEGE_SUPERVISOR,
  type GuestWrite,
  type RiscvBootConfig,
  type RiscvBootEntry,
  type RiscvBootPlan,
} from './boot';
export { Plic, type HartInterruptSink, type PlicMetrics, type PlicOptions } from './plic';
export { PlicStateError, type PlicState } from './plic-state';
export { PendingWordSink, MIP_MEIP, MIP_MSIP, MIP_SEIP, MIP_SSIP } from './pending-word-sink';
