// Run kind `device-job`: one model circuit (`qnnlab simulate --backend DEVICE --shots K`: loader + butterfly or
// pyramid, parameters from a seed or given) run as a job on a device backend, through the job's lifecycle (submitted,
// queued, running, completed) as log lines and progress. The result: the post-selected probabilities (and raw counts
// when asked), the kept fraction, the job's device time and queue wait, and its cost by the profile's pricing.
// Providers: `emulator` (the default) runs the job here with the profile's noise, time and cost model (core/hardware;
// nothing is submitted or charged). A real provider (IonQ's cloud, issue 12) is one more entry of PROVIDERS that
// submits the same prepared circuit and reports the same lifecycle; the config names it with `provider`.
// Not resumable: an emulated job is short and reruns from its seeds to the same counts. A provider's job outlives the
// worker, so that provider would checkpoint its job id once submitted and resume by polling it rather than paying twice.
import { z } from 'zod';
import { InvalidInputError } from '../../../core/errors.ts';
import { compileCircuit } from '../../../core/hardware/compile.ts';
import type { DeviceJobEvent, DeviceJobStatus } from '../../../core/hardware/device-jobs.ts';
import { circuitCost } from '../../../core/hardware/estimate.ts';
import { createQuantumBackend, EMULATION_NOTE, type BackendTarget } from '../../../core/hardware/registry.ts';
import type { Circuit } from '../../../core/quantum/circuit.ts';
import { butterflyParameterCount, modelCircuit, pyramidParameterCount, uniformAngles } from '../../../core/quantum/butterfly.ts';
import { checkInput, checkLayers, checkQubits, checkVector } from '../../../core/quantum/validate.ts';
import { renameField } from './fields.ts';
import { defineRunKind, type RunContext, type RunHost } from './types.ts';
import { DEVICE_JOB_PROVIDERS, deviceJobConfig, type DeviceJobConfig } from '../../contract/run-configs.ts';

// The config schema lives in the contract (the New run page validates with it); re-exported for the kind's users.
export { DEVICE_JOB_PROVIDERS, deviceJobConfig, type DeviceJobConfig };

/** The job as prepared on the host: the circuit built and checked against the device, its device time and cost. */
export interface DeviceJobInput {
  config: DeviceJobConfig;
  target: BackendTarget;
  circuit: Circuit;
  parameters: number[];
  shotSeed: number;
  estimate: { deviceSeconds: number; costUSD: number; oneQubitGates: number; twoQubitGates: number; twoQubitDepth: number };
}

export const deviceJobInput = z.custom<DeviceJobInput>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    deviceJobConfig.safeParse((v as DeviceJobInput).config).success &&
    (v as DeviceJobInput).target?.profile != null &&
    Array.isArray((v as DeviceJobInput).circuit?.gates),
  'a prepared device job (config, device, circuit)',
);

/** Runs `f`; a refusal that names no field gets `field` (core's vector checks name the value only in words). */
function naming<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw renameField(e, (named) => named ?? field);
  }
}

export function prepareDeviceJob(config: DeviceJobConfig, host: RunHost) {
  const target = host.backend(config.backend);
  const profile = target.profile;
  if (!profile) {
    const devices = host.deviceProfiles().map((p) => p.id);
    throw new InvalidInputError(
      `backend "${target.name}" is a simulator; a device job runs on a device profile (${devices.join(', ')}). Simulate on ${target.name} with qnnlab simulate --backend ${target.name}.`,
      { field: 'backend', value: target.name, allowed: devices.join(', ') },
    );
  }
  const n = config.qubits;
  checkQubits(n);
  const architecture = config.architecture ?? 'butterfly';
  const layers = architecture === 'pyramid' ? undefined : checkLayers(config.layers, n);
  const count = layers === undefined ? pyramidParameterCount(n) : butterflyParameterCount(n, layers);
  const parameters = config.params
    ? Array.from(
        naming('params', () =>
          checkVector(config.params!, count, 'params', layers === undefined ? `n(n-1)/2 for a ${n}-qubit pyramid` : `(n/2) x layers = ${n / 2} x ${layers}`),
        ),
      )
    : uniformAngles(count, config.seed!);
  const x = naming('input', () => checkInput(config.input, n, 'input'));
  const circuit = modelCircuit({ qubits: n, layers, architecture }, parameters, x);
  const compiled = naming('architecture', () => compileCircuit(circuit, profile));
  const one = circuitCost(profile, compiled, config.shots);
  if (config.budget !== undefined && one.costUSD > config.budget) {
    throw new InvalidInputError(
      `the job's cost ${one.costUSD.toFixed(2)} USD (${config.shots} shots on ${target.name}) exceeds the budget of ${config.budget.toFixed(2)} USD; nothing was submitted. Lower shots or raise budget.`,
      { field: 'budget', value: config.budget, allowed: `at least ${one.costUSD.toFixed(2)} USD for this job` },
    );
  }
  const shotSeed = config.shotSeed ?? config.seed ?? 0;
  return {
    input: {
      config,
      target,
      circuit,
      parameters,
      shotSeed,
      estimate: {
        deviceSeconds: one.deviceSeconds + profile.jobOverheadSeconds.value,
        costUSD: one.costUSD,
        oneQubitGates: compiled.counts.oneQubit,
        twoQubitGates: compiled.counts.twoQubit,
        twoQubitDepth: compiled.twoQubitDepth,
      },
    } satisfies DeviceJobInput,
    name: `${target.name}: ${n}-qubit ${architecture}, ${config.shots} shots`,
    seeds: [shotSeed],
  };
}

/** Where each status of the lifecycle puts the run's progress. */
const PROGRESS: Record<DeviceJobStatus, number> = { queued: 0.1, running: 0.5, completed: 1, failed: 1, cancelled: 1 };

/** What every provider returns. */
export interface DeviceJobResult {
  provider: string;
  backend: string;
  /** True when the job ran here, emulated: nothing was submitted or charged. */
  emulated: boolean;
  jobId: string;
  /** The job's statuses in order, with wall milliseconds since submission. */
  lifecycle: { status: DeviceJobStatus; atMs: number }[];
  parameters: number[];
  probabilities: number[];
  keptFraction: number;
  shots: number;
  keptShots: number | null;
  counts?: Record<string, number>;
  /** Device seconds of the job (shots x (1 / shot rate + gate time) + job overhead) and its queue wait. */
  deviceSeconds: number;
  queueSeconds: number;
  costUSD: number;
}

type Provider = (input: DeviceJobInput, ctx: RunContext) => Promise<DeviceJobResult>;

const seconds = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(2)} h` : `${s.toFixed(1)} s`);

/** The job run here through core's device backend: the profile's noise, shot rate, queue model and job lifecycle. */
const emulator: Provider = async (input, ctx) => {
  const { config, target } = input;
  const events: DeviceJobEvent[] = [];
  ctx.log('info', `${target.name}: ${EMULATION_NOTE}`);
  const backend = createQuantumBackend(target, {
    latencyScale: config.latencyScale,
    onDeviceJobStatus: (e) => {
      events.push(e);
      const what =
        e.status === 'queued'
          ? `queued (emulated wait ${seconds(e.queueSeconds)})`
          : e.status === 'running'
            ? `running (emulated device time ${seconds(e.runSeconds)})`
            : `${e.status}${e.message ? `: ${e.message}` : ''}`;
      ctx.log(e.status === 'failed' ? 'error' : 'info', `job ${e.jobId} ${what}`);
      ctx.progress(PROGRESS[e.status], e.status);
    },
  });
  ctx.log('info', `submitted 1 circuit x ${config.shots} shots to ${target.name}; estimated cost ${input.estimate.costUSD.toFixed(2)} USD`);
  ctx.progress(0, 'submitted');
  const [out] = await backend.run({ circuits: [input.circuit], shots: config.shots, seed: input.shotSeed, counts: config.counts, signal: ctx.signal });
  const last = events[events.length - 1];
  const result: DeviceJobResult = {
    provider: 'emulator',
    backend: target.name,
    emulated: true,
    jobId: last.jobId,
    lifecycle: events.map((e) => ({ status: e.status, atMs: e.atMs })),
    parameters: input.parameters,
    probabilities: Array.from(out.probabilities),
    keptFraction: out.keptFraction,
    shots: config.shots,
    keptShots: out.keptShots,
    deviceSeconds: last.runSeconds,
    queueSeconds: last.queueSeconds,
    costUSD: input.estimate.costUSD,
  };
  if (out.counts) result.counts = out.counts;
  return result;
};

const PROVIDERS: Record<(typeof DEVICE_JOB_PROVIDERS)[number], Provider> = { emulator };

export const deviceJobKind = defineRunKind({
  kind: 'device-job',
  description: 'Run one model circuit as a job on a device backend (emulated here by default): counts, kept fraction, device time and cost',
  config: deviceJobConfig,
  input: deviceJobInput,
  resumable: false,
  prepare: prepareDeviceJob,
  run: (input: DeviceJobInput, ctx) => PROVIDERS[input.config.provider](input, ctx),
});
