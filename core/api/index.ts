export type { VmmAction, VmmActionType } from './actions';
export { BOOT_PATH_ACTIONS, POST_BOOT_ONLY, PRE_BOOT_ONLY } from './actions';
export type { VmmBackend } from './backend';
export {
  LOAD_SNAPSHOT_NOT_ALLOWED,
  NOT_SUPPORTED_POST_BOOT,
  NOT_SUPPORTED_PRE_BOOT,
  VmmController,
  type ControllerResponse,
  type VmmControllerOptions,
} from './controller';
export { toWireResponse, type WireResponse } from './http-response';
export { parseConfigFile, runActions, type ConfigFileResult } from './config-file';
export {
  DEFAULT_MAX_PAYLOAD_BYTES,
  parseRequest,
  type ParseOptions,
  type ParseResult,
} from './parse-request';
export * from './types';
