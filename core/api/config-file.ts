/**
 * `--config-file`: the whole pre-boot configuration as one JSON document (Firecracker's
 * `FullVmConfiguration` keys: "boot-source", "machine-config", "drives", ...). It is validated with
 * the same validators as the API and turned into the same actions, in the order Firecracker
 * applies them, so the controller's rules hold for files exactly as for API calls.
 */
import type { VmmAction } from './actions';
import type { ControllerResponse, VmmController } from './controller';
import { ValidationError, arrayOf, object, parseJson } from './schema';
import type { ArchLimits, VmConfig } from './types';
import * as V from './validators';
import { VmConfigBuilder } from './vm-config-builder';

export type ConfigFileResult =
  { ok: true; config: VmConfig; actions: VmmAction[] } | { ok: false; fault: string };

const configFile = object(
  {},
  {
    'boot-source': V.bootSource,
    'machine-config': V.machineConfig,
    drives: arrayOf(V.drive),
    'network-interfaces': arrayOf(V.networkInterface),
    vsock: V.vsock,
    entropy: V.entropy,
    balloon: V.balloon,
    logger: V.logger,
    metrics: V.metrics,
    'mmds-config': V.mmdsConfig,
  },
);

export function parseConfigFile(json: string, limits: ArchLimits): ConfigFileResult {
  let file: ReturnType<typeof configFile>;
  try {
    file = configFile(parseJson(json), '');
  } catch (e) {
    const message = e instanceof ValidationError ? e.message : String(e);
    return { ok: false, fault: `Invalid configuration file: ${message}.` };
  }
  const actions: VmmAction[] = [];
  if (file.logger) actions.push({ type: 'ConfigureLogger', config: file.logger });
  if (file.metrics) actions.push({ type: 'ConfigureMetrics', config: file.metrics });
  if (file['machine-config'])
    actions.push({ type: 'PutMachineConfig', config: file['machine-config'] });
  if (file['boot-source'])
    actions.push({ type: 'ConfigureBootSource', config: file['boot-source'] });
  for (const drive of file.drives ?? []) actions.push({ type: 'InsertDrive', config: drive });
  for (const net of file['network-interfaces'] ?? [])
    actions.push({ type: 'InsertNetworkInterface', config: net });
  if (file.vsock) actions.push({ type: 'SetVsock', config: file.vsock });
  if (file.entropy) actions.push({ type: 'SetEntropy', config: file.entropy });
  if (file.balloon) actions.push({ type: 'SetBalloon', config: file.balloon });
  if (file['mmds-config']) actions.push({ type: 'SetMmdsConfig', config: file['mmds-config'] });

  // Dry-run the cross-field rules so a bad file is refused before anything is configured.
  const builder = new VmConfigBuilder(limits);
  for (const action of actions) {
    const error = applyToBuilder(builder, action);
    if (error) return { ok: false, fault: `Invalid configuration file: ${error}` };
  }
  return { ok: true, config: builder.snapshot(), actions };
}

/** Runs the actions in order and stops at the first refusal (whose response is returned). */
export async function runActions(
  controller: VmmController,
  actions: readonly VmmAction[],
): Promise<ControllerResponse> {
  let last: ControllerResponse = { status: 204 };
  for (const action of actions) {
    last = await controller.handle(action);
    if (last.status === 400) return last;
  }
  return last;
}

function applyToBuilder(builder: VmConfigBuilder, action: VmmAction): string | undefined {
  switch (action.type) {
    case 'ConfigureLogger':
      return builder.setLogger(action.config);
    case 'ConfigureMetrics':
      return builder.setMetrics(action.config);
    case 'PutMachineConfig':
      return builder.putMachineConfig(action.config);
    case 'ConfigureBootSource':
      return builder.setBootSource(action.config);
    case 'InsertDrive':
      return builder.insertDrive(action.config);
    case 'InsertNetworkInterface':
      return builder.insertNetworkInterface(action.config);
    case 'SetVsock':
      return builder.setVsock(action.config);
    case 'SetEntropy':
      return builder.setEntropy(action.config);
    case 'SetBalloon':
      return builder.setBalloon(action.config);
    case 'SetMmdsConfig':
      return builder.setMmdsConfig(action.config);
    default:
      return undefined;
  }
}
