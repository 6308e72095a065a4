// `qnnlab circuit | simulate | gradient | train`: the quantum core on the command line. Thin: parse flags, call
// core/, print JSON (or OpenQASM, or a progress bar on a terminal).
import { readFileSync, writeFileSync } from 'node:fs';
import { AbortError } from '../../../core/errors.ts';
import { createRng } from '../../../core/random.ts';
import { butterflyParameterCount } from '../../../core/quantum/butterfly.ts';
import { circuitToQasm } from '../../../core/quantum/qasm.ts';
import { forwardBatch, probabilitiesOf, runUnaryCircuit } from '../../../core/quantum/unary-simulator.ts';
import { runStandardCircuit, unaryAmplitudes, unaryToStandard } from '../../../core/quantum/statevector.ts';
import { checkShots, postSelectCounts, sampleStateVector, sampleUnary } from '../../../core/quantum/shots.ts';
import { checkLayers, checkQubits, checkStatevectorQubits } from '../../../core/quantum/validate.ts';
import { GRADIENT_METHODS, GRADIENT_SCOPES } from '../../../core/gradients/circuits.ts';
import { modelGradient } from '../../../core/gradients/gradient.ts';
import { mseLoss } from '../../../core/train/losses.ts';
import { OPTIMISERS } from '../../../core/train/optimisers.ts';
import { resolveOptions, trainLayerwise, type LayerwiseOptions, type TrainCheckpoint, type TrainProgress } from '../../../core/train/layerwise.ts';
import type { QuantumBackend } from '../../../core/hardware/quantum-backend.ts';
import { createQuantumBackend } from '../../../core/hardware/registry.ts';
import { checkBudget, estimateTraining, type TrainingEstimate } from '../../../core/hardware/estimate.ts';
import { orthogonalMapTask } from '../../../core/train/tasks.ts';
import { choiceFlag, numberArrayFlag, numberFlag, printJson, stringFlag, UserError, type Command, type CommandIO } from '../command.ts';
import { backendProfiles, deviceProfileOptions, noiseFlags, simulateOnBackend } from './hardware.ts';
import { createProgressBar } from '../progress.ts';
import { buildCircuit, modelOptions, parseInput, parseModel, shotSeedOf, type Model } from '../model-flags.ts';

const backendOptions = {
  backend: { type: 'string' },
  p1: { type: 'string' },
  p2: { type: 'string' },
  readout: { type: 'string' },
  exact: { type: 'boolean' },
} as const;

const circuitCommand: Command = {
  path: ['circuit'],
  summary: 'Build a QNN circuit (loader + butterfly or pyramid) and print it as OpenQASM 2.0 or JSON',
  usage: 'circuit --qubits N [--layers L] [--architecture butterfly|pyramid] (--seed S | --params JSON) [--input JSON] [--loader tree|diagonal|semi-diagonal] --format qasm|json',
  options: { ...modelOptions, input: { type: 'string' }, loader: { type: 'string' }, format: { type: 'string' } },
  async run(flags, _p, io) {
    const m = parseModel(flags);
    const x = parseInput(flags, m.n, false);
    const loader = choiceFlag(flags, 'loader', ['tree', 'diagonal', 'semi-diagonal'] as const, 'tree');
    const format = choiceFlag(flags, 'format', ['qasm', 'json'] as const, flags.json ? 'json' : 'qasm');
    const circuit = buildCircuit(m, x, loader);
    if (format === 'qasm') {
      const comments = [`QNN Lab ${m.architecture}: ${m.n} qubits${m.architecture === 'butterfly' ? `, ${m.layers} layers` : ''}${x ? `, ${loader} loader` : ', no loader (prepend one, or start from a unary state)'}`];
      io.stdout.write(circuitToQasm(circuit, { comments }));
    } else {
      printJson(io, { qubits: m.n, layers: m.architecture === 'butterfly' ? m.layers : null, architecture: m.architecture, parameters: m.params, input: x ? Array.from(x) : null, loader: x ? loader : null, gates: circuit.gates });
    }
  },
};

/** `simulate` without --backend: the unary simulator, or the 2^n state vector, exact or with seeded shots. */
function simulateLocally(m: Model, x: Float64Array, simulator: 'unary' | 'statevector', shots: number | undefined, shotSeed: number) {
  if (shots !== undefined) checkShots(shots);
  const circuit = buildCircuit(m, x, 'tree');
  if (simulator === 'statevector') {
    checkStatevectorQubits(m.n);
    const state = runStandardCircuit(unaryToStandard(circuit));
    const amp = unaryAmplitudes(state);
    if (shots === undefined) {
      const p = probabilitiesOf(amp.re);
      for (let k = 0; k < m.n; k++) p[k] += amp.im[k] * amp.im[k];
      const kept = p.reduce((s, v) => s + v, 0);
      return { amplitudes: Array.from(amp.re), amplitudesImaginary: Array.from(amp.im), probabilities: Array.from(p), keptFraction: kept };
    }
    const est = postSelectCounts(sampleStateVector(createRng(shotSeed), state, shots), m.n);
    return { amplitudes: null, probabilities: Array.from(est.probabilities), keptFraction: est.keptFraction, shots, keptShots: est.keptShots };
  }
  const y = runUnaryCircuit(circuit);
  const p = probabilitiesOf(y);
  if (shots === undefined) return { amplitudes: Array.from(y), probabilities: Array.from(p), keptFraction: 1 };
  const est = sampleUnary(createRng(shotSeed), p, shots);
  return { amplitudes: null, probabilities: Array.from(est.probabilities), keptFraction: est.keptFraction, shots, keptShots: est.keptShots };
}

const simulateCommand: Command = {
  path: ['simulate'],
  summary: 'Simulate the model on one input: amplitudes (exact), probabilities, kept fraction',
  usage: 'simulate --qubits N [--layers L] [--architecture butterfly|pyramid] (--seed S | --params JSON [--seed S]) --input JSON [--shots K] [--shot-seed S] [--simulator unary|statevector] [--backend NAME [--p1 A --p2 B --readout R] [--exact] [--profile FILE] [--db PATH]] --json',
  options: { ...modelOptions, input: { type: 'string' }, shots: { type: 'string' }, 'shot-seed': { type: 'string' }, simulator: { type: 'string' }, ...backendOptions, ...deviceProfileOptions },
  async run(flags, _p, io) {
    const m = parseModel(flags);
    const x = parseInput(flags, m.n, true)!;
    const shots = numberFlag(flags, 'shots', { integer: true });
    const shotSeed = shotSeedOf(flags, m);
    const simulator = choiceFlag(flags, 'simulator', ['unary', 'statevector'] as const, 'unary');
    const backendName = stringFlag(flags, 'backend');
    if (backendName !== undefined) {
      // Through the hardware-backend registry (core/hardware): ideal, ideal-shots, noisy, device profiles.
      const circuit = buildCircuit(m, x, 'tree');
      const profiles = await backendProfiles(flags, backendName); // --profile FILE, then the database's user copies
      const r = await simulateOnBackend(circuit, { backend: backendName, shots, seed: shotSeed, ...noiseFlags(flags), exact: flags.exact === true, profiles, signal: io.signal });
      if (flags.json) printJson(io, { parameters: m.params, amplitudes: null, ...r, inputNorm: Math.hypot(...x) });
      else io.stdout.write(`p = [${r.probabilities.map((v) => v.toFixed(6)).join(', ')}]\nkept fraction ${r.keptFraction}\n`);
      return;
    }
    const result = simulateLocally(m, x, simulator, shots, shotSeed);
    const norm = Math.hypot(...x);
    if (flags.json) printJson(io, { parameters: m.params, ...result, inputNorm: norm });
    else {
      io.stdout.write(`p = [${result.probabilities.map((v) => v.toFixed(6)).join(', ')}]\nkept fraction ${result.keptFraction}\n`);
    }
  },
};

const gradientCommand: Command = {
  path: ['gradient'],
  summary: 'Gradient of f = sum_k w_k p_k by the parallel shift, the per-parameter shift or the adjoint method',
  usage: 'gradient --qubits N [--layers L] (--seed S | --params JSON) --input JSON --weights JSON --method parallel-shift|parameter-shift|adjoint --scope last-layer|all [--shots K] [--shot-seed S] --json',
  options: { ...modelOptions, input: { type: 'string' }, weights: { type: 'string' }, method: { type: 'string' }, scope: { type: 'string' }, shots: { type: 'string' }, 'shot-seed': { type: 'string' } },
  async run(flags, _p, io) {
    if (flags.architecture !== undefined && flags.architecture !== 'butterfly') throw new UserError('gradient supports the butterfly architecture only');
    const m = parseModel(flags);
    const x = parseInput(flags, m.n, true)!;
    const w = numberArrayFlag(flags, 'weights', true)!;
    if (w.length !== m.n) throw new UserError(`--weights must have exactly ${m.n} entries (one per output p_k); got ${w.length}`);
    const method = choiceFlag(flags, 'method', GRADIENT_METHODS);
    const scope = choiceFlag(flags, 'scope', GRADIENT_SCOPES, 'last-layer');
    if (method === 'parallel-shift' && scope !== 'last-layer') throw new UserError(`--method parallel-shift applies only to --scope last-layer; got --scope ${scope}`);
    const shots = numberFlag(flags, 'shots', { integer: true });
    const g = modelGradient({ qubits: m.n, layers: m.layers, params: m.params, inputs: x, weights: Float64Array.from(w), method, scope, shots, seed: shotSeedOf(flags, m) });
    const p = forwardBatch(x, m.n, m.layers, m.params);
    const f = p.reduce((s, v, k) => s + v * w[k], 0);
    const out = { parameters: m.params, method, scope, loss: f, gradient: Array.from(g.gradient), circuitEvaluations: g.circuitEvaluations, shots: shots ?? null, keptFraction: g.keptFraction };
    if (flags.json) printJson(io, out);
    else io.stdout.write(`f = ${f}\ngradient = [${out.gradient.map((v) => v.toPrecision(8)).join(', ')}]\ncircuit evaluations: ${g.circuitEvaluations}\n`);
  },
};

/** The progress bar's label: phase, epoch, step, loss, circuits so far and the step's kept fraction. */
export function trainProgressLabel(p: TrainProgress): string {
  const phase = p.phase === 'layer' ? `layer ${p.layer}` : 'fine-tune';
  return `${phase} epoch ${p.epoch} step ${p.step}/${p.stepsPerEpoch} loss ${p.loss.toExponential(3)} circuits ${p.circuits} kept ${(100 * p.keptFraction).toFixed(1)}%`;
}

/** The one-line estimate printed (to stderr) before a device run. */
export function estimateLine(e: TrainingEstimate): string {
  const hours = (s: number) => `${(s / 3600).toFixed(2)} h`;
  return (
    `estimate for ${e.backend}: ${e.circuits} circuits (${e.gradientCircuits} gradient, ${e.forwardCircuits} forward), ${e.shots} shots, ` +
    `device ${hours(e.deviceSeconds)} + queue ${hours(e.queueSeconds)} over ${e.jobs} jobs, cost ${e.costUSD.toFixed(2)} USD`
  );
}

const trainCommand: Command = {
  path: ['train'],
  summary: 'Train a butterfly QNN layer-wise on a toy task (learn a random target orthogonal map), exactly or through a backend',
  usage:
    'train --qubits N --layers L [--target-layers T] [--samples 256] [--epochs 10] [--batch 32] [--lr 0.05] [--optimiser adam|sgd] [--method parallel-shift|parameter-shift|adjoint] [--fine-tune-epochs 0] [--shots K] [--seed 0] ' +
    '[--backend ideal|ideal-shots|noisy|DEVICE [--p1 A --p2 B --readout R] [--budget USD] [--latency-scale X]] [--checkpoint FILE] [--resume FILE] [--json]\n' +
    '  --backend routes every circuit through a registered backend; ideal-shots and device backends need --shots (noisy too beyond 10 qubits).\n' +
    '  On a device, the estimate (circuits, shots, device time, cost) is printed to stderr first; with --budget the run is refused (exit 2) when it costs more.\n' +
    '  --latency-scale: wall ms per emulated device ms of queue and run time (default 1e-4; 0 for none).',
  options: {
    qubits: { type: 'string' }, layers: { type: 'string' }, 'target-layers': { type: 'string' }, samples: { type: 'string' }, epochs: { type: 'string' },
    batch: { type: 'string' }, lr: { type: 'string' }, optimiser: { type: 'string' }, method: { type: 'string' }, 'fine-tune-epochs': { type: 'string' },
    shots: { type: 'string' }, seed: { type: 'string' }, checkpoint: { type: 'string' }, resume: { type: 'string' }, json: { type: 'boolean' },
    backend: { type: 'string' }, p1: { type: 'string' }, p2: { type: 'string' }, readout: { type: 'string' }, budget: { type: 'string' }, 'latency-scale': { type: 'string' },
  },
  async run(flags, _p, io: CommandIO) {
    const n = numberFlag(flags, 'qubits', { required: true, integer: true })!;
    const layers = numberFlag(flags, 'layers', { required: true, integer: true })!;
    checkQubits(n);
    checkLayers(layers, n);
    const targetLayers = numberFlag(flags, 'target-layers', { integer: true }) ?? layers;
    const samples = numberFlag(flags, 'samples', { integer: true, min: 1, max: 1_000_000 }) ?? 256;
    const seed = numberFlag(flags, 'seed', { integer: true }) ?? 0;
    const shots = numberFlag(flags, 'shots', { integer: true });
    const checkpointPath = stringFlag(flags, 'checkpoint');
    const resumePath = stringFlag(flags, 'resume');

    // The backend, when asked for: its noise flags, shots and budget are checked before anything runs.
    const backendName = stringFlag(flags, 'backend');
    const noise = noiseFlags(flags);
    const budget = numberFlag(flags, 'budget', { min: 0 });
    const latencyScale = numberFlag(flags, 'latency-scale', { min: 0 });
    const noiseGiven = Object.values(noise).some((v) => v !== undefined);
    if (noiseGiven && backendName !== 'noisy') throw new UserError('--p1, --p2 and --readout set the noise of --backend noisy (a device backend takes its noise from its profile)');
    if (backendName === undefined && (budget !== undefined || latencyScale !== undefined)) throw new UserError('--budget and --latency-scale apply to a device backend: give --backend NAME');
    let backend: QuantumBackend | undefined;
    if (backendName !== undefined) {
      backend = createQuantumBackend(backendName, { ...noise, latencyScale });
      const needsShots = !backend.exact || (backend.exactMaxQubits !== undefined && n > backend.exactMaxQubits);
      if (shots === undefined && needsShots) {
        const why = backend.device
          ? 'a device backend measures shots'
          : backend.exact
            ? `exact results on ${backendName} take at most ${backend.exactMaxQubits} qubits`
            : `${backendName} returns shot estimates`;
        throw new UserError(`--backend ${backendName} needs --shots K (${why}), e.g. --shots 1000`);
      }
    }

    let resumeFrom: TrainCheckpoint | undefined;
    if (resumePath) {
      try {
        resumeFrom = JSON.parse(readFileSync(resumePath, 'utf8')) as TrainCheckpoint;
      } catch (e) {
        throw new UserError(`--resume: cannot read a checkpoint from ${resumePath}: ${(e as Error).message}`);
      }
    }
    const task = orthogonalMapTask(n, targetLayers, samples, seed);
    const loss = mseLoss(task.targets, n);
    const bar = createProgressBar(io.stderr, 'train');
    const all = Int32Array.from({ length: samples }, (_, k) => k);
    const initialLoss = loss.evaluate(forwardBatch(task.inputs, n, layers, new Float64Array(butterflyParameterCount(n, layers))), all, n, new Float64Array(0)).value;
    const options: LayerwiseOptions = {
      qubits: n, layers, inputs: task.inputs, loss, seed,
      epochsPerLayer: numberFlag(flags, 'epochs', { integer: true }),
      batchSize: numberFlag(flags, 'batch', { integer: true }),
      learningRate: numberFlag(flags, 'lr'),
      optimiser: choiceFlag(flags, 'optimiser', OPTIMISERS, 'adam'),
      method: choiceFlag(flags, 'method', GRADIENT_METHODS, 'parallel-shift'),
      fineTuneEpochs: numberFlag(flags, 'fine-tune-epochs', { integer: true }),
      shots,
      backend,
      signal: io.signal,
      resumeFrom,
      onProgress: (p) => bar.update(p.fraction, trainProgressLabel(p)),
      onCheckpoint: checkpointPath ? (c) => writeFileSync(checkpointPath, JSON.stringify(c)) : undefined,
    };
    // Every option validated once (e.g. adjoint with a backend) before anything is estimated or submitted.
    const resolved = resolveOptions(options);

    let estimate: TrainingEstimate | null = null;
    if (backend?.device) {
      const method = resolved.method;
      if (method === 'adjoint') throw new UserError('--method adjoint is simulator-only'); // refused by resolveOptions already
      estimate = estimateTraining({
          qubits: n, layers, samples, epochs: resolved.epochsPerLayer, shots: resolved.shots!, method, backend: backendName!,
          batchSize: resolved.batchSize, fineTuneEpochs: resolved.fineTuneEpochs,
      });
      io.stderr.write(`${estimateLine(estimate)}${resumeFrom ? ' (whole run; resuming skips what the checkpoint has done)' : ''}\n`);
      checkBudget(estimate, budget);
    }

    let result;
    try {
      result = await trainLayerwise(options);
    } catch (e) {
      if (e instanceof AbortError) throw new UserError(`cancelled${backend?.device ? ' (the job in flight was cancelled)' : ''}${checkpointPath ? `; resume with --resume ${checkpointPath}` : ''}`, { code: 'CANCELLED' });
      throw e;
    } finally {
      bar.done();
    }
    const summary = {
      task: { kind: 'orthogonal-map', qubits: n, targetLayers, samples, seed },
      backend: backendName ?? null,
      options: result.options,
      estimate,
      initialLoss,
      finalLoss: result.finalLoss,
      keptFraction: result.keptFraction,
      parameters: result.params,
      circuits: result.circuits,
      circuitsPerSamplePerStep: result.circuitsPerSamplePerStep,
      history: result.history,
    };
    if (flags.json) printJson(io, summary);
    else {
      io.stdout.write(
        `loss ${initialLoss.toExponential(4)} -> ${result.finalLoss.toExponential(4)} after ${result.history.length} epochs, ${result.circuits} circuit evaluations (${result.circuitsPerSamplePerStep.layer} per sample per step)` +
          `${backendName ? ` on ${backendName}, mean kept fraction ${result.keptFraction.toFixed(4)}` : ''}\n`,
      );
    }
  },
};

export const quantumCommands: Command[] = [circuitCommand, simulateCommand, gradientCommand, trainCommand];
