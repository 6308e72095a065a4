// The IonQ cloud backends (`ionq:simulator` with its noise models, `ionq:qpu.aria-1`, `ionq:qpu.forte-1`,
// `ionq:qpu.forte-enterprise-1`) as QuantumBackends. One run() is one job: one optimisation step's circuits go as one
// `ionq.multi-circuit.v1` job. Circuits go as native gates compiled by core/hardware for the machine family (MS on
// Aria, ZZ on Forte), so what runs is exactly what the estimate counted. Results come back keyed by basis states with
// qubit 0 least significant; they are turned into QNN Lab's unary readout and post-selected to Hamming weight 1.
//
// Never paying twice: every job has a deterministic name (the run's scope and a hash of what it computes, seed
// included). A journal (the run's job ledger, kept by the host) records the intent before POST /jobs and the id after;
// a resumed run finds the job in its journal and polls it instead of submitting, and when only the intent was
// recorded (the process died between the POST and the id reaching the ledger) the job is looked up by name at IonQ.
// The same lookup runs before a POST is resent after an answer that may have been lost (a time-out, a 502).
import { AbortError, InvalidInputError, LabError } from '../../../errors.ts';
import { createRng, deriveSeed, multinomial } from '../../../random.ts';
import { DEFAULT_COUNTS_MAX_QUBITS } from '../../../limits.ts';
import { checkFits, compileCircuit, targetOf, type CompiledCircuit } from '../../compile.ts';
import type { DeviceProfile } from '../../device-profile.ts';
import type { DeviceJobEvent, DeviceJobStatus, Sleep } from '../../device-jobs.ts';
import { circuitCost } from '../../estimate.ts';
import type { CircuitOutcome, QuantumBackend, QuantumRunRequest } from '../../quantum-backend.ts';
import { checkIonqShots, checkNoiseModel, ionqFamily, IONQ_PREFIX, type IonqAggregation, type IonqApiBackend } from './backends.ts';
import { IonqClient, type Transport } from './client.ts';
import { bitstringOfKey, jobBody, unaryFromIonq, type IonqJob, type IonqJobBody, type IonqJobStatus, type IonqProbabilities } from './wire.ts';

/** A resolved IonQ backend (plain data, crosses to workers): the API's backend and the profiles it compiles with. */
export interface IonqTarget {
  vendor: 'ionq';
  backend: IonqApiBackend;
  /** The device profiles of the families (by id), from the catalog the name was resolved against. */
  profiles: Record<string, DeviceProfile>;
}

/** Where the API is and the key (from the host: QNNLAB_IONQ_API_KEY or the desktop app's encrypted store). */
export interface IonqConnection {
  url: string;
  apiKey: string | null;
}

/** A job of the ledger, as the backend reports it and a resumed run finds it. */
export interface ProviderJobRecord {
  name: string;
  providerJobId: string | null;
  status: 'submitting' | IonqJobStatus;
  backend: string;
  circuits: number;
  shots: number;
  costEstimateUSD: number | null;
  costUSD: number | null;
  failure?: { code: string; error: string } | null;
}

/** The run's job ledger as the backend sees it (kept by the host: workers report, the host writes). */
export interface ProviderJournal {
  /** Names jobs per run (e.g. `run12`), so two runs never share a job. */
  readonly scope: string;
  /** The ledger's record of a job name from before this process (a resumed run), if any. */
  find(name: string): ProviderJobRecord | undefined;
  /** Every change of a job: the intent (status 'submitting', no id), the id, each status, the cost. */
  record(job: ProviderJobRecord): void;
  /** Spend recorded so far and the run's budget (USD): a job that would pass the budget is not submitted. */
  spentUSD?(): number;
  budgetUSD?: number;
}

export interface IonqRuntime {
  connection: IonqConnection;
  noiseModel?: string;
  /** Debiasing (IonQ's error mitigation; needs 500+ shots): undefined leaves IonQ's default. */
  debiasing?: boolean;
  aggregation?: IonqAggregation;
  journal?: ProviderJournal;
  transport?: Transport;
  sleep?: Sleep;
  now?: () => number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  pollMs?: number;
  pollCapMs?: number;
  onDeviceJobStatus?: (event: DeviceJobEvent) => void;
}

/** Thrown when the next job would take the run's spend past its budget: the run stops, resumable with a larger budget. */
export class SpendLimitError extends InvalidInputError {
  constructor(spentUSD: number, jobUSD: number, budgetUSD: number) {
    super(
      `the run's spend would reach ${(spentUSD + jobUSD).toFixed(2)} USD with the next job (${jobUSD.toFixed(2)} USD), past its budget of ${budgetUSD.toFixed(2)} USD; ` +
        'the run stopped before submitting it. Raise the budget and resume the run.',
      { field: 'budgetUSD', value: budgetUSD, allowed: `at least ${(spentUSD + jobUSD).toFixed(2)} USD` },
    );
    this.name = 'SpendLimitError';
  }
}

const STATUS_EVENT: Record<IonqJobStatus, DeviceJobStatus> = {
  submitted: 'queued',
  ready: 'queued',
  started: 'running',
  completed: 'completed',
  failed: 'failed',
  canceled: 'cancelled',
};

/** The job name's content part: the first 64 bits of SHA-256 (Web Crypto: a global in Node and browsers, no node:*). */
async function contentHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createIonqBackend(target: IonqTarget, runtime: IonqRuntime): QuantumBackend {
  const noiseModel = checkNoiseModel(target.backend, runtime.noiseModel);
  const family = ionqFamily(target.backend, noiseModel);
  const profile = target.profiles[family.profileId];
  if (!profile) throw new LabError('INTERNAL', `IonQ backend ${target.backend} resolved without the ${family.profileId} profile`);
  // The family's register and gate, with the profile's durations and connectivity (all-to-all on IonQ machines).
  const compileTarget = { ...targetOf(profile), qubits: family.qubits, twoQubitGate: family.twoQubitGate, name: `ionq:${target.backend}` };
  const qpu = target.backend !== 'simulator';
  const name = IONQ_PREFIX + target.backend;
  const backend: QuantumBackend = {
    name,
    description: qpu
      ? `IonQ ${target.backend} (${family.qubits} qubits, native GPI/GPI2/${family.twoQubitGate.toUpperCase()}) in IonQ's cloud: jobs are charged`
      : `IonQ's cloud simulator, noise model ${noiseModel} (${family.qubits} qubits, native GPI/GPI2/${family.twoQubitGate.toUpperCase()})`,
    maxQubits: family.qubits,
    exact: false,
    device: true,
    async run(request: QuantumRunRequest): Promise<CircuitOutcome[]> {
      if (request.signal?.aborted) throw new AbortError();
      if (request.shots === null) throw new InvalidInputError(`backend ${name} cannot return exact probabilities: give a number of shots`, { field: 'shots' });
      if (!Array.isArray(request.circuits) || request.circuits.length === 0) throw new InvalidInputError('run request needs at least one circuit');
      checkIonqShots(request.shots, runtime.debiasing === true);
      const compiled = request.circuits.map((c) => {
        checkFits(c, compileTarget);
        return compileCircuit(c, compileTarget);
      });
      const api = new IonqClient({ ...clientOptions(runtime), signal: request.signal });
      const spec = {
        backend: target.backend,
        noiseModel,
        seed: request.seed >>> 0,
        shots: request.shots,
        debiasing: runtime.debiasing,
        circuits: compiled.map((c) => ({ qubits: c.qubits, gates: c.gates })),
      };
      const scope = runtime.journal?.scope ?? 'adhoc';
      const jobName = `qnnlab-${scope}-${await contentHash(JSON.stringify(spec))}`;
      const body = jobBody({ ...spec, name: jobName, metadata: { app: 'qnnlab', scope, seed: String(spec.seed) } });
      // The job's price: IonQ's own estimate (GET /jobs/estimate) when it answers, else the profile's (METHOD.md section 7).
      const localUSD = qpu ? compiled.reduce((s, c) => s + circuitCost(profile, c, request.shots!).costUSD, 0) : 0;
      let costEstimateUSD = localUSD;
      const record: ProviderJobRecord = {
        name: jobName,
        providerJobId: null,
        status: 'submitting',
        backend: name,
        circuits: compiled.length,
        shots: request.shots,
        costEstimateUSD,
        costUSD: null,
      };
      const note = (changes: Partial<ProviderJobRecord>) => {
        Object.assign(record, changes);
        runtime.journal?.record({ ...record });
      };
      const started = (runtime.now ?? Date.now)();
      const event = (job: IonqJob) =>
        runtime.onDeviceJobStatus?.({
          jobId: job.id,
          status: STATUS_EVENT[job.status],
          atMs: (runtime.now ?? Date.now)() - started,
          queueSeconds: 0,
          runSeconds: 0,
          message: job.failure ? `${job.failure.code ?? ''}: ${job.failure.error ?? ''}` : undefined,
        });

      // Reattach: the ledger's id, else (intent only) the job of this name at IonQ, else submit.
      const prior = runtime.journal?.find(jobName);
      let id = prior?.providerJobId ?? undefined;
      if (!id && prior) id = (await api.findByName(jobName))?.id;
      if (!id && qpu) costEstimateUSD = (await ionqEstimate(api, body, compiled, runtime.debiasing)) ?? localUSD;
      record.costEstimateUSD = costEstimateUSD;
      if (!id) {
        const journal = runtime.journal;
        if (journal?.budgetUSD !== undefined && journal.spentUSD) {
          const spent = journal.spentUSD();
          if (spent + costEstimateUSD > journal.budgetUSD + 1e-9) throw new SpendLimitError(spent, costEstimateUSD, journal.budgetUSD);
        }
        note({ status: 'submitting' });
        id = await api.createJob(body, async () => (await api.findByName(jobName))?.id);
      }
      note({ providerJobId: id, status: prior?.status && prior.status !== 'submitting' ? prior.status : 'submitted' });

      let job: IonqJob;
      try {
        job = await api.waitForJob(id, (j) => {
          if (j.status !== record.status) note({ status: j.status, failure: j.failure ? { code: j.failure.code ?? '', error: j.failure.error ?? '' } : null });
          event(j);
        });
      } catch (e) {
        // Cancelled by the user: cancel the job too (nothing more is charged), then say so.
        if (e instanceof AbortError) {
          await new IonqClient(clientOptions(runtime))
            .cancel(id)
            .then(() => note({ status: 'canceled' }))
            .catch(() => undefined);
        }
        throw e;
      }
      if (job.status === 'failed') {
        const code = job.failure?.code ?? 'unknown';
        const error = job.failure?.error ?? 'no detail given';
        throw new LabError(
          'UNAVAILABLE',
          `IonQ job ${id} failed (${code}): ${error}. Nothing of it was used; fix what IonQ names, or resume the run to submit it again.`,
          {
            details: { jobId: id, failure: { code, error } },
          },
        );
      }
      if (job.status === 'canceled')
        throw new LabError('CANCELLED', `IonQ job ${id} was cancelled (at IonQ); resume the run to submit it again.`, { details: { jobId: id } });
      const distributions = await api.probabilities(job, runtime.debiasing ? runtime.aggregation : undefined);
      if (qpu) note({ costUSD: await api.cost(id).catch(() => null) });
      else note({ costUSD: 0 });
      const exactResults = target.backend === 'simulator' && noiseModel === 'ideal';
      return compiled.map((c, k) => outcomeOf(distributions[k], c, request, k, exactResults));
    },
  };
  return backend;
}

/** IonQ's estimate of a job (USD), from its gate counts (IonQ prices a job by its 1q and 2q gates, qubits and shots). */
async function ionqEstimate(api: IonqClient, body: IonqJobBody, compiled: CompiledCircuit[], debiasing: boolean | undefined): Promise<number | undefined> {
  const e = await api.estimate({
    type: body.type,
    backend: body.backend,
    '1q_gates': compiled.reduce((s, c) => s + c.counts.oneQubit, 0),
    '2q_gates': compiled.reduce((s, c) => s + c.counts.twoQubit, 0),
    qubits: body.input.qubits,
    shots: body.shots,
    error_mitigation: debiasing === true,
  });
  return e && (e.cost_unit ?? 'usd').toLowerCase() === 'usd' ? e.estimated_cost : undefined;
}

function clientOptions(runtime: IonqRuntime) {
  return {
    url: runtime.connection.url,
    apiKey: runtime.connection.apiKey,
    transport: runtime.transport,
    sleep: runtime.sleep,
    timeoutMs: runtime.timeoutMs,
    retries: runtime.retries,
    backoffMs: runtime.backoffMs,
    pollMs: runtime.pollMs,
    pollCapMs: runtime.pollCapMs,
  };
}

/**
 * One circuit's outcome. The ideal simulator answers exact probabilities: shots are drawn from them with the request's
 * seed (as qiskit-ionq does). Noisy models and QPUs answer measured frequencies (count / shots, or a debiased
 * aggregate): the readout is post-selected from them directly and the counts are their rounded shares of the shots.
 */
function outcomeOf(distribution: IonqProbabilities, compiled: CompiledCircuit, request: QuantumRunRequest, index: number, exact: boolean): CircuitOutcome {
  const shots = request.shots!;
  const n = compiled.qubits;
  const keys = Object.keys(distribution);
  const drawn = exact
    ? multinomial(
        createRng(deriveSeed(request.seed, index)),
        shots,
        keys.map((k) => distribution[k]),
      )
    : null;
  const counts: IonqProbabilities = {};
  keys.forEach((k, i) => {
    const c = drawn ? drawn[i] : Math.round(distribution[k] * shots);
    if (c > 0) counts[k] = c;
  });
  const { unary, kept } = unaryFromIonq(drawn ? counts : distribution, n);
  const keptShots = drawn ? kept : Math.round(kept * shots);
  const out: CircuitOutcome = { probabilities: keptShots > 0 ? unary : new Float64Array(n), keptFraction: keptShots / shots, shots, keptShots };
  if (request.counts ?? n <= DEFAULT_COUNTS_MAX_QUBITS) {
    out.counts = {};
    for (const [k, c] of Object.entries(counts)) out.counts[bitstringOfKey(k, n)] = c;
  }
  return out;
}
