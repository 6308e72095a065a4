// IonQ API v0.4's wire format as QNN Lab uses it (docs.ionq.com/api-reference/v0.4; field names as qiskit-ionq's
// client reads them): the job body of POST /jobs (`ionq.circuit.v1`, or `ionq.multi-circuit.v1` for one optimisation
// step's circuits), the job of GET /jobs/{id}, the estimate of GET /jobs/estimate, the cost of GET /jobs/{id}/cost, and
// the probabilities, keyed by the measured basis state as a decimal integer with qubit 0 the least significant bit.
import { z } from 'zod';
import type { NativeGate } from '../../compile.ts';
import type { IonqApiBackend, IonqNoiseModel } from './backends.ts';

export const IONQ_JOB_STATUSES = ['submitted', 'ready', 'started', 'completed', 'failed', 'canceled'] as const;
export type IonqJobStatus = (typeof IONQ_JOB_STATUSES)[number];
export const IONQ_TERMINAL: readonly IonqJobStatus[] = ['completed', 'failed', 'canceled'];

export interface IonqJobBody {
  type: 'ionq.circuit.v1' | 'ionq.multi-circuit.v1';
  name: string;
  backend: IonqApiBackend;
  shots: number;
  noise?: { model: IonqNoiseModel; seed: number };
  settings?: { error_mitigation: { debiasing: boolean } };
  metadata: Record<string, string>;
  input: { gateset: 'native'; qubits: number; circuit?: NativeGate[]; circuits?: { name: string; circuit: NativeGate[] }[] };
}

export interface JobBodySpec {
  name: string;
  backend: IonqApiBackend;
  noiseModel: IonqNoiseModel;
  /** The simulator's noise seed (reproducible noisy simulations). */
  seed: number;
  shots: number;
  /** undefined: IonQ's default (debiased from 500 shots on QPUs). */
  debiasing?: boolean;
  circuits: { qubits: number; gates: NativeGate[] }[];
  metadata?: Record<string, string>;
}

/** The body of POST /jobs: one circuit as `ionq.circuit.v1`, several as one `ionq.multi-circuit.v1` job. */
export function jobBody(spec: JobBodySpec): IonqJobBody {
  const qubits = Math.max(...spec.circuits.map((c) => c.qubits));
  const multi = spec.circuits.length > 1;
  const body: IonqJobBody = {
    type: multi ? 'ionq.multi-circuit.v1' : 'ionq.circuit.v1',
    name: spec.name,
    backend: spec.backend,
    shots: spec.shots,
    metadata: spec.metadata ?? {},
    input: multi
      ? { gateset: 'native', qubits, circuits: spec.circuits.map((c, k) => ({ name: `circuit ${k}`, circuit: c.gates })) }
      : { gateset: 'native', qubits, circuit: spec.circuits[0].gates },
  };
  if (spec.backend === 'simulator') body.noise = { model: spec.noiseModel, seed: spec.seed };
  if (spec.debiasing !== undefined) body.settings = { error_mitigation: { debiasing: spec.debiasing } };
  return body;
}

export const ionqJob = z.looseObject({
  id: z.string().min(1),
  status: z.enum(IONQ_JOB_STATUSES),
  name: z.string().nullish(),
  child_job_ids: z.array(z.string()).nullish(),
  failure: z.looseObject({ code: z.string().nullish(), error: z.string().nullish() }).nullish(),
  results: z.looseObject({ probabilities: z.looseObject({ url: z.string() }).nullish() }).nullish(),
});
export type IonqJob = z.infer<typeof ionqJob>;

export const ionqJobList = z.looseObject({ jobs: z.array(ionqJob.pick({ id: true, status: true, name: true }).loose()), next: z.string().nullish() });

export const ionqEstimate = z.looseObject({
  estimated_cost: z.number(),
  cost_unit: z.string().nullish(),
  estimated_execution_time: z.number().nullish(),
  current_predicted_queue_time: z.number().nullish(),
});
export type IonqEstimate = z.infer<typeof ionqEstimate>;

const costValue = z.looseObject({ value: z.number(), unit: z.string().nullish() });
export const ionqCost = z.looseObject({ estimated_cost: costValue.nullish(), cost: costValue.nullish() });

/** A distribution over basis states: decimal integer keys (qubit 0 the least significant bit) to probabilities. */
export const ionqProbabilities = z.record(z.string().regex(/^\d+$/), z.number().min(0));
export const ionqMultiProbabilities = z.record(z.string(), ionqProbabilities);
export type IonqProbabilities = z.infer<typeof ionqProbabilities>;

/** IonQ's error bodies: {statusCode, error, message}, {code, message} or {error: {type, message}}. */
export function errorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.message === 'string') return b.message;
  if (b.error && typeof b.error === 'object' && typeof (b.error as Record<string, unknown>).message === 'string')
    return (b.error as { message: string }).message;
  return typeof b.error === 'string' ? b.error : undefined;
}

/**
 * A basis state of IonQ's keys as QNN Lab's unary readout: key 2^k (only qubit k measured 1) is outcome k; every other
 * key has Hamming weight != 1 and is discarded by post-selection (METHOD.md section 4). Returns the unary
 * probabilities renormalised over the kept mass, and the kept mass itself.
 */
export function unaryFromIonq(probabilities: IonqProbabilities, qubits: number): { unary: Float64Array; kept: number } {
  const unary = new Float64Array(qubits);
  let kept = 0;
  for (const [key, p] of Object.entries(probabilities)) {
    const state = BigInt(key);
    // Hamming weight 1: a power of two below 2^qubits.
    if (state === 0n || (state & (state - 1n)) !== 0n) continue;
    const k = state.toString(2).length - 1;
    if (k >= qubits) continue;
    unary[k] += p;
    kept += p;
  }
  if (kept > 0) for (let k = 0; k < qubits; k++) unary[k] /= kept;
  return { unary, kept };
}

/** A basis state's key as QNN Lab's bitstring (qubit 0 first). */
export function bitstringOfKey(key: string, qubits: number): string {
  const bits = BigInt(key).toString(2).padStart(qubits, '0');
  return [...bits].reverse().join('');
}
