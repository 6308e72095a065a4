// The estimator for a planned layer-wise training (METHOD.md sections 5-7): distinct circuits (gradient and
// forward separately), shots, device seconds, queue and overhead, cost; and the budget cap.
//
// What it counts, so every figure can be checked by hand (n qubits, L layers, S samples, E epochs per layer,
// K shots per circuit, B the batch size when given, F fine-tune epochs):
// - Layers l = 1..L are trained one after the other, E epochs each; every epoch sees each of the S samples once.
// - Gradient circuits per sample per step (gradientCircuitsPerSampleStep): 4 with the parallel shift (all
//   last-layer angles shifted together by +-pi/4, +-pi/2), 4 (n/2) with the per-parameter shift rule (4 per
//   parameter of the trained layer). Per layer: gradientCircuits = E x S x that number.
// - The schedule is the trainer's own (core/train/layerwise.ts), so an estimate counts what a run will submit:
//   mini-batches of B samples (default TRAIN_DEFAULTS.batchSize, the trainer's), ceil(S / B) steps per epoch.
// - Forward circuits per sample per epoch (forwardCircuitsPerSampleEpoch): 1 with the per-parameter rule (the
//   outputs p the loss needs), 0 with the parallel shift, whose trainer reads the unshifted p off the +-pi/2
//   circuits (METHOD.md section 5). forwardCircuits = E x S x that number per layer.
// - Circuits of layer l are the loader plus l butterfly layers (compiled to the device's native gates for time
//   and cost); every circuit runs K shots: shots = circuits x K.
// - Jobs: one per round of circuits of each step, as the trainer submits them: 1 round per step with the
//   parallel shift, 2 with the per-parameter rule (forward, then the shifted circuits). Every job
//   costs one mean queue wait and one job overhead: queueSeconds = jobs x mean wait, overheadSeconds = jobs x overhead.
// - Optional fine-tune (fineTuneEpochs F > 0): all (n/2) L angles by the per-parameter rule, E replaced by F:
//   gradient 4 (n/2) L per sample per step, 1 forward per sample per epoch, circuits of L layers; reported as
//   a last perLayer entry with phase 'fine-tune'.
// - Device seconds per circuit = K x (1 / shot rate + compiled circuit duration); cost per circuit =
//   max(minimum per circuit, K x (1q gate-shot price x 1q gates + 2q gate-shot price x 2q gates)) for per-gate-shot
//   pricing, max(minimum, K x per-shot price) for per-shot pricing. Simulators (ideal, ideal-shots, noisy): no
//   time, no cost.
import type { Circuit } from '../quantum/circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { loader as makeLoader, type LoaderKind } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { checkLayers, checkPositiveInteger, checkQubits } from '../quantum/validate.ts';
import { compileCircuit, type CompiledCircuit, type GateCounts } from './compile.ts';
import { deviceAssumptions, type DeviceProfile } from './device-profile.ts';
import type { BackendTarget } from './registry.ts';
import { checkRunsOnHardware, gradientMethod, type GradientMethodSpec, type HardwareGradientMethod } from '../gradients/registry.ts';
import { MAX_EPOCHS, MAX_SHOTS, TRAIN_DEFAULTS } from '../limits.ts';

export interface TrainingPlan {
  qubits: number;
  layers: number;
  samples: number;
  epochs: number;
  shots: number;
  /** A method that runs on hardware (HARDWARE_GRADIENT_METHODS). */
  method: HardwareGradientMethod;
  /** The backend, resolved (registry.ts resolveBackend): a simulator (no device time, no cost) or a device profile. */
  backend: BackendTarget;
  loader?: LoaderKind;
  /** The trainer's mini-batch size (default TRAIN_DEFAULTS.batchSize, as the trainer's); it sets the number of jobs. */
  batchSize?: number;
  /** Epochs of a final all-layer fine-tune by the per-parameter rule (default 0). */
  fineTuneEpochs?: number;
}

export interface LayerEstimate {
  phase: 'layer' | 'fine-tune';
  /** The layer trained (phase 'layer'), or L (the fine-tune trains all L layers). */
  layer: number;
  gradientCircuits: number;
  forwardCircuits: number;
  gateCounts: GateCounts;
  circuitSeconds: number;
  costUSD: number;
}

export interface TrainingEstimate {
  backend: string;
  device: boolean;
  circuits: number;
  gradientCircuits: number;
  forwardCircuits: number;
  /** Gradient circuits per sample per step of a layer phase (4 for the parallel shift, 4 (n/2) = 2n for the per-parameter rule). */
  gradientCircuitsPerSampleStep: number;
  /** Forward circuits per sample per epoch of a layer phase (1; 0 for the parallel shift on the trainer's schedule). */
  forwardCircuitsPerSampleEpoch: number;
  /** Jobs per layer-epoch (1 in the planning model; steps x rounds per step on the trainer's schedule). */
  jobsPerLayerEpoch: number;
  jobs: number;
  shots: number;
  deviceSeconds: number;
  queueSeconds: number;
  overheadSeconds: number;
  wallSeconds: number;
  costUSD: number;
  pricingModel: string | null;
  perLayer: LayerEstimate[];
  /** Profile figures the estimate rests on that are assumptions, not public figures. */
  assumptions: string[];
}

export class BudgetExceededError extends InvalidInputError {
  constructor(
    readonly estimateUSD: number,
    readonly budgetUSD: number,
  ) {
    super(
      `the estimated cost ${estimateUSD.toFixed(2)} USD exceeds the budget of ${budgetUSD.toFixed(2)} USD; nothing was submitted. ` +
        'Lower --shots or --epochs, use --method parallel-shift, or raise --budget.',
      { field: 'budgetUSD', value: budgetUSD, allowed: `at least ${estimateUSD.toFixed(2)} USD for this plan` },
    );
    this.name = 'BudgetExceededError';
  }
}

function representativeCircuit(n: number, layers: number, kind: LoaderKind): Circuit {
  // Generic angles (no gate degenerates to the identity); counts do not depend on them otherwise.
  const x = Array.from({ length: n }, (_, k) => 1 + k / n);
  const load = makeLoader(kind, x, n);
  const params = Array.from({ length: (n / 2) * layers }, (_, k) => 0.3 + 0.01 * (k % 7));
  return { qubits: n, gates: [...load.gates, ...butterflyGates(n, layers, params)] };
}

/** Device seconds and cost of one compiled circuit run for `shots` shots on a device (the formulas above; no job overhead). */
export function circuitCost(
  profile: DeviceProfile,
  compiled: Pick<CompiledCircuit, 'counts' | 'durationSeconds'>,
  shots: number,
): { deviceSeconds: number; costUSD: number } {
  const pr = profile.pricing;
  const perCircuit =
    pr.model === 'per-gate-shot'
      ? shots * (pr.oneQubitGateShotUSD.value * compiled.counts.oneQubit + pr.twoQubitGateShotUSD.value * compiled.counts.twoQubit)
      : shots * pr.perShotUSD.value;
  return { deviceSeconds: shots * (1 / profile.shotRateHz.value + compiled.durationSeconds), costUSD: Math.max(pr.minimumPerCircuitUSD.value, perCircuit) };
}

export function estimateTraining(plan: TrainingPlan): TrainingEstimate {
  const n = plan.qubits;
  checkQubits(n);
  const L = checkLayers(plan.layers, n);
  const S = checkPositiveInteger(plan.samples, 'samples');
  const E = checkPositiveInteger(plan.epochs, 'epochs');
  const K = checkPositiveInteger(plan.shots, 'shots', MAX_SHOTS);
  const method = gradientMethod(plan.method);
  checkRunsOnHardware(method);
  const profile = plan.backend.profile;
  const B = Math.min(S, checkPositiveInteger(plan.batchSize ?? TRAIN_DEFAULTS.batchSize, 'batchSize'));
  const F = plan.fineTuneEpochs === undefined ? 0 : checkPositiveInteger(plan.fineTuneEpochs, 'fineTuneEpochs', MAX_EPOCHS, 0);
  const stepsPerEpoch = Math.ceil(S / B);
  // The trainer's schedule; every count comes from the gradient-method registry.
  const phaseOf = (phase: 'layer' | 'fine-tune', layer: number, epochs: number, spec: GradientMethodSpec, inScope: number) => {
    const c = spec.circuitsPerSample(inScope);
    return { phase, layer, epochs, gradientPerStep: c.gradient, forwardPerEpoch: c.forward, jobsPerEpoch: stepsPerEpoch * spec.roundsPerStep };
  };
  const phases = Array.from({ length: L }, (_, l) => phaseOf('layer', l + 1, E, method, n / 2));
  if (F > 0) phases.push(phaseOf('fine-tune', L, F, gradientMethod(TRAIN_DEFAULTS.fineTuneMethodOnHardware), (n / 2) * L));
  const { gradientPerStep: perStep, forwardPerEpoch, jobsPerEpoch: jobsPerLayerEpoch } = phases[0];
  const perLayer: LayerEstimate[] = [];
  let deviceSeconds = 0;
  let cost = 0;
  let jobs = 0;
  for (const ph of phases) {
    const gradientCircuits = ph.epochs * S * ph.gradientPerStep;
    const forwardCircuits = ph.epochs * S * ph.forwardPerEpoch;
    const circuits = gradientCircuits + forwardCircuits;
    jobs += ph.epochs * ph.jobsPerEpoch;
    let counts: GateCounts = { gpi: 0, gpi2: 0, ms: 0, zz: 0, oneQubit: 0, twoQubit: 0, total: 0 };
    let circuitSeconds = 0;
    let layerCost = 0;
    if (profile) {
      const compiled = compileCircuit(representativeCircuit(n, ph.layer, plan.loader ?? 'tree'), profile);
      counts = compiled.counts;
      const one = circuitCost(profile, compiled, K);
      circuitSeconds = one.deviceSeconds;
      layerCost = circuits * one.costUSD;
      deviceSeconds += circuits * circuitSeconds;
      cost += layerCost;
    }
    perLayer.push({ phase: ph.phase, layer: ph.layer, gradientCircuits, forwardCircuits, gateCounts: counts, circuitSeconds, costUSD: layerCost });
  }
  const gradientCircuits = perLayer.reduce((s, x) => s + x.gradientCircuits, 0);
  const forwardCircuits = perLayer.reduce((s, x) => s + x.forwardCircuits, 0);
  const circuits = gradientCircuits + forwardCircuits;
  const queueSeconds = profile ? jobs * profile.queue.meanWaitSeconds.value : 0;
  const overheadSeconds = profile ? jobs * profile.jobOverheadSeconds.value : 0;
  return {
    backend: plan.backend.name,
    device: !!profile,
    circuits,
    gradientCircuits,
    forwardCircuits,
    gradientCircuitsPerSampleStep: perStep,
    forwardCircuitsPerSampleEpoch: forwardPerEpoch,
    jobsPerLayerEpoch,
    jobs,
    shots: circuits * K,
    deviceSeconds,
    queueSeconds,
    overheadSeconds,
    wallSeconds: deviceSeconds + queueSeconds + overheadSeconds,
    costUSD: cost,
    pricingModel: profile ? profile.pricing.model : null,
    perLayer,
    assumptions: profile ? deviceAssumptions(profile) : [],
  };
}

/** Refuses (throws BudgetExceededError) when the estimate's cost exceeds the budget. */
export function checkBudget(estimate: TrainingEstimate, budgetUSD: number | undefined): void {
  if (budgetUSD === undefined) return;
  if (!Number.isFinite(budgetUSD) || budgetUSD < 0) {
    throw new InvalidInputError(`budget must be a non-negative number of USD; got ${String(budgetUSD)}`);
  }
  if (estimate.costUSD > budgetUSD) throw new BudgetExceededError(estimate.costUSD, budgetUSD);
}
