// Backends registered by name: ideal (exact), ideal-shots, noisy (user p1, p2, readout), and one per device
// profile (ionq-aria, ionq-forte, ionq-forte-enterprise, plus user profiles passed in). One conformance suite
// (registry.test.ts) runs over every registered backend.
import type { Circuit } from '../quantum/circuit.ts';
import { InvalidInputError, throwIfAborted } from '../errors.ts';
import { createRng, deriveSeed, multinomial } from '../random.ts';
import { Pacer } from '../pacer.ts';
import { runUnaryCircuit } from '../quantum/unary-simulator.ts';
import type { QuantumBackend, QuantumRunRequest, CircuitOutcome } from './quantum-backend.ts';
import { checkCircuit, exactNoisyDistribution } from './density-matrix.ts';
import { DEFAULT_COUNTS_MAX_QUBITS, MAX_DENSITY_QUBITS, MAX_QUBITS } from '../limits.ts';
import { checkShots } from '../quantum/shots.ts';
import { resolveNoise, type NoiseModel } from './noise.ts';
import { TrajectorySampler } from './trajectory.ts';
import { BUILTIN_CATALOG, deviceNoise, type DeviceCatalog, type DeviceProfile } from './device-profile.ts';
import { checkFits, compileCircuit, targetOf } from './compile.ts';
import { deviceJobId, sampleQueueSeconds, submitDeviceJob, type DeviceJobEvent, type Sleep } from './device-jobs.ts';
import { ionqApiBackend, ionqFamily, IONQ_BACKEND_NAMES, IONQ_FAMILIES, isIonqName } from './providers/ionq/backends.ts';
import { createIonqBackend, type IonqRuntime, type IonqTarget } from './providers/ionq/backend.ts';

export interface QuantumBackendOptions {
  /** Noise of the `noisy` backend. */
  p1?: number;
  p2?: number;
  readout?: number;
  /** Device backends: wall ms per device ms of emulated latency (default 1e-4); 0 for none. */
  latencyScale?: number;
  /** Device backends: receives every job status change. */
  onDeviceJobStatus?: (event: DeviceJobEvent) => void;
  /** Device backends: the wait used for emulated latency (tests inject a fake; default setTimeout). */
  sleep?: Sleep;
  /** Device backends: the wall clock of job events (default Date.now). */
  now?: () => number;
  /** Cloud provider backends (ionq:*): the connection, noise model, debiasing, the run's job journal. */
  provider?: IonqRuntime;
}

export interface QuantumBackendEntry {
  name: string;
  description: string;
  create(options: QuantumBackendOptions): QuantumBackend;
}

/**
 * A backend resolved from its name, once, by resolveBackend: a simulator of the registry (profile null), or a device
 * with the profile the catalog gave (a user copy shadows the built-in). Everything after resolution (creating the
 * backend, estimating, training, a worker) takes this object and never looks the name up again.
 */
export interface BackendTarget {
  name: string;
  /** The device profile its estimates and costs use (an IonQ QPU's family profile too); null for simulators. */
  profile: DeviceProfile | null;
  /** A cloud provider's backend (jobs really submitted), with the profiles it compiles with. */
  provider?: IonqTarget;
}

/** The simulator backends (no device time, no cost); every other backend name is a device profile id. */
export const SIMULATOR_BACKENDS = ['ideal', 'ideal-shots', 'noisy'] as const;

const registry = new Map<string, QuantumBackendEntry>();

export function registerQuantumBackend(entry: QuantumBackendEntry): void {
  registry.set(entry.name, entry);
}

/** The simulator backends (no device time, no cost), every device profile of the catalog, then IonQ's cloud backends. */
export function backendNames(catalog: DeviceCatalog = BUILTIN_CATALOG): string[] {
  const names = [...registry.keys()];
  for (const p of catalog.list()) if (!names.includes(p.id)) names.push(p.id);
  return [...names, ...IONQ_BACKEND_NAMES];
}

/** An IonQ cloud backend with the catalog's profiles of its families (a user copy shadows the built-in). */
function resolveIonq(name: string, catalog: DeviceCatalog): BackendTarget {
  const backend = ionqApiBackend(name);
  const profiles: Record<string, DeviceProfile> = {};
  for (const family of Object.values(IONQ_FAMILIES)) {
    const p = catalog.get(family.profileId) ?? BUILTIN_CATALOG.get(family.profileId);
    if (p) profiles[family.profileId] = p;
  }
  const profile = backend === 'simulator' ? null : profiles[ionqFamily(backend, 'ideal').profileId];
  return { name, profile, provider: { vendor: 'ionq', backend, profiles } };
}

/** The one resolver of backend names: a registered simulator, an IonQ cloud backend, else a device profile of the catalog. */
export function resolveBackend(name: string, catalog: DeviceCatalog = BUILTIN_CATALOG): BackendTarget {
  if (registry.has(name)) return { name, profile: null };
  if (isIonqName(name)) return resolveIonq(name, catalog);
  const profile = catalog.get(name);
  if (profile) return { name, profile };
  const known = backendNames(catalog).join(', ');
  throw new InvalidInputError(`unknown backend "${name}"; known backends: ${known}`, { field: 'backend', value: name, allowed: known });
}

export function createQuantumBackend(target: BackendTarget, options: QuantumBackendOptions = {}): QuantumBackend {
  if (target.provider) {
    // Only the paths that bring a connection (and a job ledger) submit cloud jobs: trainings, imputations and simulate.
    if (!options.provider) {
      throw new InvalidInputError(
        `${target.name} submits jobs to IonQ's cloud, which only trainings, imputations (qnn-mice) and qnnlab simulate do, given IonQ's connection; use a simulator or a device profile here`,
        { field: 'backend', value: target.name },
      );
    }
    return createIonqBackend(target.provider, { onDeviceJobStatus: options.onDeviceJobStatus, sleep: options.sleep, now: options.now, ...options.provider });
  }
  if (target.profile) return deviceBackend(target.profile, options);
  const entry = registry.get(target.name);
  if (!entry)
    throw new InvalidInputError(`unknown backend "${target.name}"; known backends: ${backendNames().join(', ')}`, { field: 'backend', value: target.name });
  return entry.create(options);
}

function checkRequest(request: QuantumRunRequest, backend: QuantumBackend): void {
  if (!request || !Array.isArray(request.circuits)) throw new InvalidInputError('run request needs an array of circuits');
  if (request.shots === null) {
    if (!backend.exact) throw new InvalidInputError(`backend ${backend.name} cannot return exact probabilities: give a number of shots`);
  } else checkShots(request.shots);
  if (!Number.isFinite(request.seed)) throw new InvalidInputError(`seed must be a finite number; got ${String(request.seed)}`);
  for (const c of request.circuits) {
    checkCircuit(c, backend.maxQubits);
    if (request.shots === null && backend.exactMaxQubits !== undefined && c.qubits > backend.exactMaxQubits) {
      throw new InvalidInputError(
        `exact results on backend ${backend.name} take at most ${backend.exactMaxQubits} qubits; got ${c.qubits} (give a number of shots)`,
      );
    }
  }
}

/** Raw counts when asked; by default only for small registers (the kept outcomes are always counted). */
function wantCounts(request: QuantumRunRequest, circuit: Circuit): boolean {
  return request.counts ?? circuit.qubits <= DEFAULT_COUNTS_MAX_QUBITS;
}

function bitstringOfUnary(k: number, n: number): string {
  return '0'.repeat(k) + '1' + '0'.repeat(n - k - 1);
}

/** Shots from ideal unary probabilities: every shot is kept. */
function idealShots(circuit: Circuit, shots: number, seed: number, counts: boolean): CircuitOutcome {
  const p = runUnaryCircuit(circuit).map((a) => a * a);
  const c = multinomial(createRng(seed), shots, p);
  const probabilities = new Float64Array(p.length);
  for (let k = 0; k < p.length; k++) probabilities[k] = c[k] / shots;
  const out: CircuitOutcome = { probabilities, keptFraction: 1, shots, keptShots: shots };
  if (counts) {
    out.counts = {};
    for (let k = 0; k < p.length; k++) if (c[k] > 0) out.counts[bitstringOfUnary(k, p.length)] = c[k];
  }
  return out;
}

/**
 * Runs `f` over the request's circuits in order, checking `signal` (default: the request's) before each one and
 * yielding to the event loop every few milliseconds of work, so that a cancellation from a timer or a UI event
 * stops the work between circuits (the trajectory sampler also checks it and yields every few ms within a circuit).
 */
async function eachCircuit(
  request: QuantumRunRequest,
  f: (c: Circuit, seed: number, signal: AbortSignal | undefined) => CircuitOutcome | Promise<CircuitOutcome>,
  signal: AbortSignal | undefined = request.signal,
): Promise<CircuitOutcome[]> {
  const out: CircuitOutcome[] = [];
  const total = request.circuits.length;
  const pacer = new Pacer(signal);
  for (let k = 0; k < total; k++) {
    await pacer.tick();
    out.push(await f(request.circuits[k], deriveSeed(request.seed, k), signal));
    request.onProgress?.(k + 1, total);
  }
  throwIfAborted(signal);
  return out;
}

async function noisyOutcome(
  circuit: Circuit,
  noise: NoiseModel,
  request: QuantumRunRequest,
  seed: number,
  signal: AbortSignal | undefined,
): Promise<CircuitOutcome> {
  if (request.shots === null) {
    const r = exactNoisyDistribution(circuit, noise, { signal });
    return { probabilities: r.probabilities, keptFraction: r.keptFraction, shots: null, keptShots: null };
  }
  const res = await new TrajectorySampler(circuit, noise).sample(request.shots, createRng(seed), { signal, counts: wantCounts(request, circuit) });
  const out: CircuitOutcome = { probabilities: res.probabilities, keptFraction: res.keptFraction, shots: res.shots, keptShots: res.keptShots };
  if (res.counts) out.counts = res.counts;
  return out;
}

registerQuantumBackend({
  name: 'ideal',
  description: 'exact probabilities y_k^2 (or ideal shots when shots are given)',
  create: () => {
    const backend: QuantumBackend = {
      name: 'ideal',
      description: 'exact probabilities y_k^2 (or ideal shots when shots are given)',
      maxQubits: MAX_QUBITS,
      exact: true,
      async run(request) {
        checkRequest(request, backend);
        return eachCircuit(request, (c, seed) => {
          if (request.shots === null) {
            const p = runUnaryCircuit(c).map((a) => a * a);
            return { probabilities: p, keptFraction: 1, shots: null, keptShots: null };
          }
          return idealShots(c, request.shots, seed, wantCounts(request, c));
        });
      },
    };
    return backend;
  },
});

registerQuantumBackend({
  name: 'ideal-shots',
  description: 'noiseless shots: multinomial samples of y_k^2, every shot kept',
  create: () => {
    const backend: QuantumBackend = {
      name: 'ideal-shots',
      description: 'noiseless shots: multinomial samples of y_k^2, every shot kept',
      maxQubits: MAX_QUBITS,
      exact: false,
      async run(request) {
        checkRequest(request, backend);
        return eachCircuit(request, (c, seed) => idealShots(c, request.shots!, seed, wantCounts(request, c)));
      },
    };
    return backend;
  },
});

registerQuantumBackend({
  name: 'noisy',
  description: 'depolarizing noise p1 (after X), p2 (after RBS), readout flips r; exact up to 10 qubits, trajectories beyond',
  create: (options) => {
    const noise = resolveNoise({ p1: options.p1 ?? 0, p2: options.p2 ?? 0, readout: options.readout ?? 0 });
    const model: NoiseModel = { p1: noise.p1, p2: noise.p2, readout: noise.readout };
    const backend: QuantumBackend = {
      name: 'noisy',
      description: `depolarizing noise p1=${noise.p1}, p2=${noise.p2}, readout=${noise.readout}`,
      maxQubits: MAX_QUBITS,
      exact: true,
      exactMaxQubits: MAX_DENSITY_QUBITS,
      async run(request) {
        checkRequest(request, backend);
        return eachCircuit(request, (c, seed, signal) => noisyOutcome(c, model, request, seed, signal));
      },
    };
    return backend;
  },
});

/** What a device backend is here: an emulation with the profile's noise, time and cost model (shown wherever a device's cost is). */
export const EMULATION_NOTE = "emulated on this machine with the profile's noise, time and cost model: nothing is submitted to a device and nothing is charged";

/** A device backend: the profile's noise, connectivity and size, run through the job lifecycle. */
export function deviceBackend(profile: DeviceProfile, options: QuantumBackendOptions = {}): QuantumBackend {
  const noise = deviceNoise(profile);
  const target = targetOf(profile);
  const backend: QuantumBackend = {
    name: profile.id,
    description: `${profile.name}: ${profile.qubits.value} qubits, ${profile.connectivity.kind}, native ${profile.nativeGates.oneQubit.join('/')}/${profile.nativeGates.twoQubit}`,
    maxQubits: profile.qubits.value,
    exact: false,
    device: true,
    async run(request) {
      checkRequest(request, backend);
      for (const c of request.circuits) checkFits(c, target);
      const shots = request.shots!;
      // Emulated device time: per circuit shots x (1 / shot rate + native duration); one job overhead.
      let runSeconds = profile.jobOverheadSeconds.value;
      for (const c of request.circuits) runSeconds += shots * (1 / profile.shotRateHz.value + compileCircuit(c, target).durationSeconds);
      const queueSeconds = sampleQueueSeconds(profile.queue.model, profile.queue.meanWaitSeconds.value, createRng(deriveSeed(request.seed, 0x9e37)));
      const job = submitDeviceJob({
        id: deviceJobId(profile.id),
        backend: profile.id,
        circuits: request.circuits.length,
        shots: shots * request.circuits.length,
        queueSeconds,
        runSeconds,
        latencyScale: options.latencyScale,
        signal: request.signal,
        onStatus: options.onDeviceJobStatus,
        sleep: options.sleep,
        now: options.now,
        // The job's own signal: fires on job.cancel() as well as on the request's signal.
        execute: (jobSignal) => eachCircuit(request, (c, seed, signal) => noisyOutcome(c, noise, request, seed, signal), jobSignal),
      });
      return job.result;
    },
  };
  return backend;
}
