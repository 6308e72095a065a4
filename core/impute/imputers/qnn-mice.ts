// `qnn-mice`: chained equations with the hybrid QNN regressor of METHOD.md section 8 per column (classifier head for
// categorical columns): predictors standardised and loaded with the tree loader, butterfly layers trained layer-wise
// with the parallel shift, a classical linear head trained jointly. Runs on any backend: the exact simulator by default
// ('ideal' without shots takes the fast exact path, the same numbers as the ideal backend), or any registered backend
// or device profile by name, with shots. Every circuit and shot is counted, and each column fit's cost on a chosen device
// profile is estimated (core/hardware/estimate.ts) as the paper's question is what a fit would cost on hardware.
// A saved model can be applied on another backend than it was fitted on (fit on `ideal`, apply on a device with shots).
import { z } from 'zod';
import { IMPUTER_DEFAULTS, MAX_EPOCHS, MAX_IMPUTE_CYCLES, MAX_LAYERS, MAX_QUBITS, MAX_SHOTS } from '../../limits.ts';
import { BUILTIN_CATALOG, deviceCatalog, type DeviceCatalog, type DeviceProfile } from '../../hardware/device-profile.ts';
import { estimateTraining } from '../../hardware/estimate.ts';
import { createQuantumBackend, resolveBackend, type BackendTarget, type QuantumBackendOptions } from '../../hardware/registry.ts';
import type { IonqRuntime } from '../../hardware/providers/ionq/backend.ts';
import { damagedModel, type ColumnModelSpec } from '../../models/column-model.ts';
import { QnnRegressorModel, qnnQubits, qnnRegressorSpec, type QnnRuntime } from '../../models/qnn-regressor.ts';
import type { ImputerEntry, ImputerEnv } from '../registry.ts';

const d = IMPUTER_DEFAULTS.qnnMice;
const options = z.strictObject({
  cycles: z.number().int().min(1).max(MAX_IMPUTE_CYCLES).default(d.cycles),
  /** Qubits (a power of two); default 2 nextPow2(predictors) (see qnn-regressor.ts). */
  qubits: z.number().int().min(2).max(MAX_QUBITS).optional(),
  layers: z.number().int().min(1).max(MAX_LAYERS).optional(),
  epochsPerLayer: z.number().int().min(1).max(MAX_EPOCHS).default(d.epochsPerLayer),
  batchSize: z.number().int().min(1).default(d.batchSize),
  learningRate: z.number().positive().max(10).default(d.learningRate),
  /** Standardised predictors are clipped to [-clip, clip] (the features are quadratic in them). */
  clip: z.number().positive().default(d.clip),
  /** Where the circuits run: ideal, ideal-shots, noisy, or a device profile id. */
  backend: z.string().min(1).default(d.backend),
  shots: z.number().int().min(1).max(MAX_SHOTS).optional(),
  /** The noisy backend's noise. */
  p1: z.number().min(0).max(1).optional(),
  p2: z.number().min(0).max(1).optional(),
  readout: z.number().min(0).max(1).optional(),
  /** The device profile the fit's cost is estimated on, and the shots per circuit of that estimate. */
  costDevice: z.string().min(1).default(d.costDevice),
  costShots: z.number().int().min(1).max(MAX_SHOTS).default(d.costShots),
});
export type QnnMiceOptions = z.output<typeof options>;

/**
 * What qnn-mice takes from its host, as plain data (it crosses to worker threads): the user's device profiles, which
 * shadow the built-ins of the same id (the host's resolved catalog), and backend options (e.g. emulated latency).
 * A cloud backend (ionq:*) also needs `provider`: the connection and the run's job journal (whose functions keep the
 * env in its thread: such an experiment runs its seeds in one thread).
 */
export interface QnnMiceEnv {
  deviceProfiles?: readonly DeviceProfile[];
  backendOptions?: Pick<QuantumBackendOptions, 'latencyScale'>;
  provider?: IonqRuntime;
}

function catalogOf(env: QnnMiceEnv): DeviceCatalog {
  return env.deviceProfiles ? deviceCatalog(env.deviceProfiles) : BUILTIN_CATALOG;
}

function runtimeOf(o: QnnMiceOptions, env: QnnMiceEnv): QnnRuntime {
  const target = resolveBackend(o.backend, catalogOf(env));
  // The exact simulator through the fast path: the ideal backend without shots gives the same numbers (tested).
  if (target.name === 'ideal' && o.shots === undefined) return {};
  const backend = createQuantumBackend(target, {
    ...env.backendOptions,
    p1: o.p1,
    p2: o.p2,
    readout: o.readout,
    provider: target.provider ? env.provider : undefined,
  });
  return { backend, shots: o.shots };
}

/** The cost of one column fit on the chosen device: the layer-wise training's own estimate. */
function withDeviceEstimate(spec: ColumnModelSpec, o: QnnMiceOptions, device: BackendTarget): ColumnModelSpec {
  return {
    ...spec,
    async fit(data, ctx) {
      const fit = await spec.fit(data, ctx);
      const n = qnnQubits(data.cols, o.qubits);
      if (device.profile && n <= device.profile.qubits.value) {
        const plan = {
          qubits: n,
          layers: o.layers ?? Math.log2(n),
          samples: data.rows,
          epochs: o.epochsPerLayer,
          shots: o.costShots,
          method: 'parallel-shift' as const,
        };
        fit.cost.deviceUSD = estimateTraining({ ...plan, backend: device, batchSize: o.batchSize }).costUSD;
      }
      return fit;
    },
  };
}

export const qnnMiceImputer: ImputerEntry<QnnMiceOptions> = {
  name: 'qnn-mice',
  quantum: true,
  summary: 'Chained equations with a hybrid QNN per column: butterfly circuit trained layer-wise with the parallel shift, linear head',
  options,
  create(o, env: ImputerEnv) {
    const e = env as QnnMiceEnv;
    const runtime = runtimeOf(o, e);
    const device = resolveBackend(o.costDevice, catalogOf(e));
    const spec = withDeviceEstimate(
      qnnRegressorSpec(
        { qubits: o.qubits, layers: o.layers, epochsPerLayer: o.epochsPerLayer, batchSize: o.batchSize, learningRate: o.learningRate, clip: o.clip },
        runtime,
      ),
      o,
      device,
    );
    return {
      name: 'qnn-mice',
      options: o,
      recipe: {
        method: 'qnn-mice',
        ...o,
        order: 'increasing missingness',
        stopping: 'fixed cycles',
        model: spec.recipe,
        costDeviceFits: device.profile ? `${device.profile.qubits.value} qubits` : 'not a device',
      },
      maxCycles: o.cycles,
      stopping: { kind: 'fixed' },
      keep: 'all',
      modelFor: () => spec,
      restore: (saved, column) => {
        if (saved.kind !== 'qnn') throw damagedModel(String(saved.kind), 'kind', 'is not a qnn-mice model (qnn)');
        return QnnRegressorModel.fromJSON(saved.state, column.target, runtime);
      },
    };
  },
};
