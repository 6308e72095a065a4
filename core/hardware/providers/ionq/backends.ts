// IonQ's cloud backends as QNN Lab names them (`ionq:simulator`, `ionq:qpu.aria-1`, ...), with the facts of IonQ's API
// v0.4 the client and the checks need: the API's backend id, the native two-qubit gate of the machine family (MS on
// Aria, ZZ on Forte), the register size, the simulator's noise models, and the shot limits. The one place these live.
import { InvalidInputError } from '../../../errors.ts';

/** IonQ's v0.4 address (QNNLAB_IONQ_URL points elsewhere: a private gateway, the tests' fake). */
export const IONQ_DEFAULT_URL = 'https://api.ionq.co/v0.4';
/** QNN Lab's prefix of IonQ backend names. */
export const IONQ_PREFIX = 'ionq:';

/** The simulator's noise models (IonQ API v0.4 `noise.model`): `ideal`, or a QPU's, whose register size it inherits. */
export const IONQ_NOISE_MODELS = ['ideal', 'aria-1', 'forte-1', 'forte-enterprise-1'] as const;
export type IonqNoiseModel = (typeof IONQ_NOISE_MODELS)[number];

export const IONQ_QPUS = ['qpu.aria-1', 'qpu.forte-1', 'qpu.forte-enterprise-1'] as const;
export const IONQ_API_BACKENDS = ['simulator', ...IONQ_QPUS] as const;
export type IonqApiBackend = (typeof IONQ_API_BACKENDS)[number];

/** A machine family: its native two-qubit gate, register and the device profile QNN Lab compiles and prices with. */
export interface IonqFamily {
  twoQubitGate: 'ms' | 'zz';
  qubits: number;
  /** The device profile (resources/devices) whose compilation and pricing this family uses. */
  profileId: string;
}

// Registers: Aria 25 qubits, Forte and Forte Enterprise 36 (the profiles' figures); the ideal simulator 29 (IonQ's docs).
const ARIA: IonqFamily = { twoQubitGate: 'ms', qubits: 25, profileId: 'ionq-aria' };
const FORTE: IonqFamily = { twoQubitGate: 'zz', qubits: 36, profileId: 'ionq-forte' };
const FORTE_ENTERPRISE: IonqFamily = { twoQubitGate: 'zz', qubits: 36, profileId: 'ionq-forte-enterprise' };
/** The ideal simulator takes any native gate; QNN Lab compiles for it with MS (Aria's profile). */
const IDEAL: IonqFamily = { twoQubitGate: 'ms', qubits: 29, profileId: 'ionq-aria' };

export const IONQ_FAMILIES: Record<IonqNoiseModel, IonqFamily> = {
  ideal: IDEAL,
  'aria-1': ARIA,
  'forte-1': FORTE,
  'forte-enterprise-1': FORTE_ENTERPRISE,
};

/** The family a job runs on: a QPU's own, or the simulator's noise model's. */
export function ionqFamily(backend: IonqApiBackend, noiseModel: IonqNoiseModel): IonqFamily {
  if (backend === 'simulator') return IONQ_FAMILIES[noiseModel];
  return IONQ_FAMILIES[backend.slice('qpu.'.length) as IonqNoiseModel];
}

/** Shots per circuit IonQ accepts (assumed from IonQ's console limits); debiasing needs at least IONQ_DEBIAS_MIN_SHOTS. */
export const IONQ_MIN_SHOTS = 1;
export const IONQ_MAX_SHOTS = 100_000;
export const IONQ_DEBIAS_MIN_SHOTS = 500;
/** How a debiased job's variants are aggregated when its results are read (IonQ's `aggregation`). */
export const IONQ_AGGREGATIONS = ['average', 'voting'] as const;
export type IonqAggregation = (typeof IONQ_AGGREGATIONS)[number];

/** Every QNN Lab name of an IonQ backend. */
export const IONQ_BACKEND_NAMES: readonly string[] = IONQ_API_BACKENDS.map((b) => IONQ_PREFIX + b);

export function isIonqName(name: string): boolean {
  return name.startsWith(IONQ_PREFIX);
}

/** `ionq:qpu.aria-1` -> `qpu.aria-1`; VALIDATION naming the known backends for anything else. */
export function ionqApiBackend(name: string): IonqApiBackend {
  const id = name.slice(IONQ_PREFIX.length);
  if (!(IONQ_API_BACKENDS as readonly string[]).includes(id)) {
    const allowed = IONQ_BACKEND_NAMES.join(', ');
    throw new InvalidInputError(`unknown IonQ backend "${name}"; IonQ backends: ${allowed}`, { field: 'backend', value: name, allowed });
  }
  return id as IonqApiBackend;
}

/** The noise model given (default `ideal` on the simulator); a QPU takes none (its noise is real). */
export function checkNoiseModel(backend: IonqApiBackend, model: string | undefined): IonqNoiseModel {
  if (backend !== 'simulator') {
    if (model !== undefined && model !== backend.slice('qpu.'.length)) {
      throw new InvalidInputError(`a noise model applies only to ionq:simulator; ionq:${backend} runs on the machine itself. Drop --noise-model.`, {
        field: 'noiseModel',
        value: model,
        allowed: 'none on a QPU',
      });
    }
    return backend.slice('qpu.'.length) as IonqNoiseModel;
  }
  const m = model ?? 'ideal';
  if (!(IONQ_NOISE_MODELS as readonly string[]).includes(m)) {
    const allowed = IONQ_NOISE_MODELS.join(', ');
    throw new InvalidInputError(`unknown IonQ noise model "${m}"; ionq:simulator's noise models: ${allowed}`, { field: 'noiseModel', value: m, allowed });
  }
  return m as IonqNoiseModel;
}

/** Shots within IonQ's limits, and debiasing only from IONQ_DEBIAS_MIN_SHOTS shots (IonQ cannot debias fewer). */
export function checkIonqShots(shots: number, debiasing: boolean): void {
  if (!Number.isInteger(shots) || shots < IONQ_MIN_SHOTS || shots > IONQ_MAX_SHOTS) {
    const allowed = `an integer between ${IONQ_MIN_SHOTS} and ${IONQ_MAX_SHOTS.toLocaleString('en-US')} on IonQ`;
    throw new InvalidInputError(`shots must be ${allowed}; got ${shots}`, { field: 'shots', value: shots, allowed });
  }
  if (debiasing && shots < IONQ_DEBIAS_MIN_SHOTS) {
    throw new InvalidInputError(
      `debiasing needs at least ${IONQ_DEBIAS_MIN_SHOTS} shots per circuit (IonQ cannot debias fewer); got ${shots}. Raise --shots to ${IONQ_DEBIAS_MIN_SHOTS} or turn debiasing off.`,
      { field: 'debiasing', value: shots, allowed: `debiasing with at least ${IONQ_DEBIAS_MIN_SHOTS} shots` },
    );
  }
}
