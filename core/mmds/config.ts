/** `PUT /mmds/config` body (Firecracker's `MmdsConfig`). */
export interface MmdsConfig {
  version?: 'V1' | 'V2';
  /** Interfaces whose guest traffic to `ipv4_address` is answered by the MMDS. */
  network_interfaces: string[];
  ipv4_address?: string;
  /** Answer in IMDS text format whatever the Accept header says. */
  imds_compat?: boolean;
}

export const DEFAULT_MMDS_IPV4_ADDRESS = '169.254.169.254';

/** Link-local 169.254.[1-254].[0-255], the range Firecracker's swagger allows. */
export function isValidMmdsAddress(address: string): boolean {
  const m = /^169\.254\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m) return false;
  const [third, fourth] = [Number(m[1]), Number(m[2])];
  const canonical = `169.254.${third}.${fourth}` === address;
  return canonical && third >= 1 && third <= 254 && fourth <= 255;
}
