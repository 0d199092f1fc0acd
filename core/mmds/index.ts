export { applyMergePatch, isJsonObject, type JsonValue } from './json';
export { DEFAULT_MMDS_SIZE_LIMIT, MmdsStore, type MmdsResult } from './store';
export { DEFAULT_MMDS_IPV4_ADDRESS, isValidMmdsAddress, type MmdsConfig } from './config';
export {
  MAX_TOKEN_TTL_SECONDS,
  MIN_TOKEN_TTL_SECONDS,
  MmdsTokenAuthority,
  type TokenResult,
} from './tokens';
export {
  TOKEN_PATH,
  createMmdsMetrics,
  formatImds,
  handleMmdsRequest,
  type MmdsGuestContext,
  type MmdsMetrics,
  type MmdsRequest,
  type MmdsResponse,
} from './imds';
export { MmdsNetwork, type MmdsNetworkOptions } from './network/mmds-network';
export {
  MMDS_MAC,
  MMDS_TCP_PORT,
  MmdsNetStack,
  type MmdsNetMetrics,
  type MmdsNetStackOptions,
} from './network/mmds-net-stack';
