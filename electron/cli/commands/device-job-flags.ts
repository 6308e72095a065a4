// The flags of a device job (`qnnlab simulate --backend DEVICE --shots K`, plus the job's own --latency-scale and
// --budget) and their one mapping to the device-job run kind's config (electron/workers/kinds/device-job.ts). The
// kind's schema and prepare step check the whole config, naming each field.
import { ARCHITECTURES, MAX_SHOTS } from '../../../core/limits.ts';
import { DEVICE_JOB_PROVIDERS, type DeviceJobConfig } from '../../workers/kinds/device-job.ts';
import { choiceFlag, numberArrayFlag, numberFlag, stringFlag, type Flags, type FlagSpecs } from '../command.ts';
import { modelOptions } from '../model-flags.ts';
import { backendFlag } from './hardware.ts';

export const deviceJobConfigFlags = {
  provider: { type: 'string', value: 'P', description: `who runs the job: ${DEVICE_JOB_PROVIDERS.join(', ')} (default emulator: here, nothing is charged)` },
  ...backendFlag,
  backend: { ...backendFlag.backend, description: 'the device profile the job runs on (see `qnnlab devices`)', required: true },
  qubits: modelOptions.qubits,
  layers: modelOptions.layers,
  architecture: modelOptions.architecture,
  seed: modelOptions.seed,
  params: modelOptions.params,
  input: { type: 'string', value: 'JSON', description: 'the input vector as a JSON array, zero-padded to N', required: true },
  shots: { type: 'string', value: 'K', description: `shots, 1 to ${MAX_SHOTS.toLocaleString('en-US')}`, required: true },
  'shot-seed': { type: 'string', value: 'S', description: 'seed of the shots and the noise (default: --seed, else 0)' },
  counts: { type: 'boolean', description: 'raw counts by bitstring (default only for small registers)' },
  'latency-scale': { type: 'string', value: 'X', description: 'wall ms per emulated device ms of queue and run time (default 1e-4; 0 for none)' },
  budget: { type: 'string', value: 'USD', description: 'refuse the job when its cost exceeds this many USD' },
} as const satisfies FlagSpecs;

/** The device-job config the flags describe (unset flags are left out: the kind's defaults apply). */
export function deviceJobConfigFromFlags(flags: Flags): DeviceJobConfig {
  const config = {
    provider: choiceFlag(flags, 'provider', DEVICE_JOB_PROVIDERS, 'emulator'),
    backend: stringFlag(flags, 'backend', true)!,
    qubits: numberFlag(flags, 'qubits', { required: true, integer: true })!,
    layers: numberFlag(flags, 'layers', { integer: true }),
    architecture: flags.architecture === undefined ? undefined : choiceFlag(flags, 'architecture', ARCHITECTURES),
    seed: numberFlag(flags, 'seed', { integer: true, min: 0 }),
    params: numberArrayFlag(flags, 'params'),
    input: numberArrayFlag(flags, 'input', true)!,
    shots: numberFlag(flags, 'shots', { required: true, integer: true, min: 1, max: MAX_SHOTS })!,
    shotSeed: numberFlag(flags, 'shot-seed', { integer: true, min: 0 }),
    counts: flags.counts === true ? true : undefined,
    latencyScale: numberFlag(flags, 'latency-scale', { min: 0 }),
    budget: numberFlag(flags, 'budget', { min: 0 }),
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as DeviceJobConfig;
}
