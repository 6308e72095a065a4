// `qnnlab circuit | simulate | gradient | train`: the quantum core on the command line. Thin: parse flags, call
// core/, print JSON (or OpenQASM, or a progress bar on a terminal).
import { ionqConnection } from '../../backend/provider/credentials.ts';
import { cliProviderRuntime, confirmCharged, providerFlags, providerOptions } from './provider.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { AbortError } from '../../../core/errors.ts';
import { createRng } from '../../../core/random.ts';
import { circuitToQasm, modelQasmComment } from '../../../core/quantum/qasm.ts';
import { forwardBatch, probabilitiesOf, runUnaryCircuit } from '../../../core/quantum/unary-simulator.ts';
import { runStandardCircuit, unaryAmplitudes, unaryToStandard } from '../../../core/quantum/statevector.ts';
import { checkShots, postSelectCounts, sampleStateVector, sampleUnary } from '../../../core/quantum/shots.ts';
import { checkStatevectorQubits } from '../../../core/quantum/validate.ts';
import { GRADIENT_METHODS, GRADIENT_SCOPES } from '../../../core/gradients/registry.ts';
import { modelGradient } from '../../../core/gradients/gradient.ts';
import { DEFAULT_COUNTS_MAX_QUBITS, MAX_SHOTS, TRAIN_DEFAULTS } from '../../../core/limits.ts';
import type { TrainCheckpoint } from '../../../core/train/layerwise.ts';
import { EMULATION_NOTE, resolveBackend } from '../../../core/hardware/registry.ts';
import { cloudNote, estimateLine, prepareTraining, runTraining, trainProgressLabel } from '../../workers/kinds/train.ts';
import { choiceFlag, numberArrayFlag, numberFlag, printJson, stringFlag, UserError, type Command, type CommandIO, type FlagSpecs } from '../command.ts';
import { backendFlag, noiseFlags, noiseOptions, simulateOnBackend } from './hardware.ts';
import { cliCatalog, resolveBackendFlag } from './devices.ts';
import { trainConfigFlags, trainConfigFromFlags } from './train-flags.ts';
import { createProgressBar } from '../progress.ts';
import { deviceProfileFlags, jsonFlag } from '../flags.ts';
import { buildCircuit, loaderFlag, loaderOf, modelOptions, parseInput, parseModel, shotSeedOf, type Model } from '../model-flags.ts';

const inputFlag = { input: { type: 'string', value: 'JSON', description: 'the input vector as a JSON array, zero-padded to N' } } as const satisfies FlagSpecs;
const shotFlags = {
  shots: {
    type: 'string',
    value: 'K',
    description: `measure K shots per circuit (1 to ${MAX_SHOTS.toLocaleString('en-US')}) and post-select Hamming weight 1; default exact`,
  },
  'shot-seed': { type: 'string', value: 'S', description: 'seed of the shots and the noise (default: --seed, else 0)' },
} as const satisfies FlagSpecs;

const circuitCommand: Command = {
  path: ['circuit'],
  summary: 'Build a QNN circuit (loader + butterfly or pyramid) and print it as OpenQASM 2.0 or JSON',
  usage:
    'circuit --qubits N [--layers L] [--architecture butterfly|pyramid] (--seed S | --params JSON) [--input JSON] [--loader tree|diagonal|semi-diagonal] --format qasm|json',
  options: {
    ...modelOptions,
    ...inputFlag,
    ...loaderFlag,
    format: { type: 'string', value: 'F', description: 'qasm (OpenQASM 2.0) or json (default qasm; json with --json)' },
  },
  async run(flags, _p, io) {
    const m = parseModel(flags);
    const x = parseInput(flags, m.n, false);
    const loader = loaderOf(flags);
    const format = choiceFlag(flags, 'format', ['qasm', 'json'] as const, flags.json ? 'json' : 'qasm');
    const circuit = buildCircuit(m, x, loader);
    if (format === 'qasm') {
      const comments = [modelQasmComment({ architecture: m.architecture, qubits: m.n, layers: m.layers, loader: x ? loader : null })];
      io.stdout.write(circuitToQasm(circuit, { comments }));
    } else {
      printJson(io, {
        qubits: m.n,
        layers: m.architecture === 'butterfly' ? m.layers : null,
        architecture: m.architecture,
        parameters: m.params,
        input: x ? Array.from(x) : null,
        loader: x ? loader : null,
        gates: circuit.gates,
      });
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
  usage:
    'simulate --qubits N [--layers L] [--architecture butterfly|pyramid] (--seed S | --params JSON [--seed S]) --input JSON [--shots K] [--shot-seed S] [--simulator unary|statevector] [--backend NAME [--p1 A --p2 B --readout R] [--exact] [--profile FILE] [--db PATH]] --json',
  options: {
    ...modelOptions,
    input: { ...inputFlag.input, required: true },
    ...shotFlags,
    simulator: { type: 'string', value: 'S', description: 'unary (n amplitudes, default) or statevector (2^n, at most 20 qubits), without --backend' },
    ...backendFlag,
    ...noiseOptions,
    exact: { type: 'boolean', description: 'noisy backend: the exact noisy distribution by density matrix (at most 10 qubits)' },
    counts: {
      type: 'boolean',
      description: `with --backend and --shots: raw counts by bitstring (default only up to ${DEFAULT_COUNTS_MAX_QUBITS} qubits; bounded in size)`,
    },
    ...deviceProfileFlags,
    ...providerFlags,
  },
  async run(flags, _p, io) {
    const m = parseModel(flags);
    const x = parseInput(flags, m.n, true)!;
    const shots = numberFlag(flags, 'shots', { integer: true });
    confirmCharged(stringFlag(flags, 'backend'), flags);
    providerOptions(flags, stringFlag(flags, 'backend'));
    const shotSeed = shotSeedOf(flags, m);
    const simulator = choiceFlag(flags, 'simulator', ['unary', 'statevector'] as const, 'unary');
    const backendName = stringFlag(flags, 'backend');
    if (flags.counts && (backendName === undefined || shots === undefined))
      throw new UserError('--counts applies with --backend NAME and --shots K', { field: 'counts' });
    if (backendName !== undefined) {
      // Through the hardware-backend registry (core/hardware): ideal, ideal-shots, noisy, device profiles.
      const circuit = buildCircuit(m, x, 'tree');
      const target = await resolveBackendFlag(flags, backendName); // --profile FILE, then the database's user copies, then the built-ins
      const r = await simulateOnBackend(circuit, {
        target,
        shots,
        seed: shotSeed,
        ...noiseFlags(flags),
        exact: flags.exact === true,
        counts: flags.counts === true ? true : undefined,
        provider: cliProviderRuntime(target, flags),
        signal: io.signal,
      });
      if (r.emulated) io.stderr.write(`${target.name}: ${EMULATION_NOTE}\n`);
      if (target.provider) io.stderr.write(`${target.name}: ${cloudNote(target)}\n`);
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
  usage:
    'gradient --qubits N [--layers L] (--seed S | --params JSON) --input JSON --weights JSON --method parallel-shift|parameter-shift|adjoint --scope last-layer|all [--shots K] [--shot-seed S] --json',
  options: {
    ...modelOptions,
    input: { ...inputFlag.input, required: true },
    weights: { type: 'string', value: 'JSON', description: 'w_k of f = sum_k w_k p_k: a JSON array of N numbers', required: true },
    method: { type: 'string', value: 'M', description: `${GRADIENT_METHODS.join(', ')}`, required: true },
    scope: { type: 'string', value: 'S', description: `${GRADIENT_SCOPES.join(' or ')} (default last-layer; the parallel shift takes the last layer only)` },
    ...shotFlags,
  },
  async run(flags, _p, io) {
    if (flags.architecture !== undefined && flags.architecture !== 'butterfly') throw new UserError('gradient supports the butterfly architecture only');
    const m = parseModel(flags);
    const x = parseInput(flags, m.n, true)!;
    const w = numberArrayFlag(flags, 'weights', true)!;
    if (w.length !== m.n) throw new UserError(`--weights must have exactly ${m.n} entries (one per output p_k); got ${w.length}`);
    const method = choiceFlag(flags, 'method', GRADIENT_METHODS);
    const scope = choiceFlag(flags, 'scope', GRADIENT_SCOPES, 'last-layer');
    const shots = numberFlag(flags, 'shots', { integer: true });
    const g = modelGradient({
      qubits: m.n,
      layers: m.layers,
      params: m.params,
      inputs: x,
      weights: Float64Array.from(w),
      method,
      scope,
      shots,
      seed: shotSeedOf(flags, m),
    });
    const p = forwardBatch(x, m.n, m.layers, m.params);
    const f = p.reduce((s, v, k) => s + v * w[k], 0);
    const out = {
      parameters: m.params,
      method,
      scope,
      loss: f,
      gradient: Array.from(g.gradient),
      circuitEvaluations: g.circuitEvaluations,
      shots: shots ?? null,
      keptFraction: g.keptFraction,
    };
    if (flags.json) printJson(io, out);
    else io.stdout.write(`f = ${f}\ngradient = [${out.gradient.map((v) => v.toPrecision(8)).join(', ')}]\ncircuit evaluations: ${g.circuitEvaluations}\n`);
  },
};

const trainCommand: Command = {
  path: ['train'],
  summary: 'Train a butterfly QNN layer-wise on a toy task (learn a random target orthogonal map), exactly or through a backend',
  usage:
    'train --qubits N --layers L [--samples S] [--epochs E] [--method M] [--shots K] [--seed S] [--backend NAME [...]] [--checkpoint FILE] [--resume FILE] [--json]',
  options: {
    ...trainConfigFlags,
    ...deviceProfileFlags,
    checkpoint: {
      type: 'string',
      value: 'FILE',
      description: `write a checkpoint to FILE every epoch and every ${TRAIN_DEFAULTS.checkpointEverySteps} steps or ${TRAIN_DEFAULTS.checkpointEveryMs / 1000} s`,
    },
    resume: { type: 'string', value: 'FILE', description: 'resume from a checkpoint (same flags and data, else refused)' },
    ...jsonFlag,
  },
  notes: [
    '--backend routes every circuit through a backend; ideal-shots and device backends need --shots (noisy too beyond 10 qubits).',
    `A device backend is ${EMULATION_NOTE}. Its estimate (circuits, shots, device time, cost) is printed to stderr first; with --budget the run`,
    'is refused (exit 2) when it would cost more.',
    'To record the training in the experiment database (and resume it after a crash), run it as `qnnlab run start train` with the same flags.',
  ],
  async run(flags, _p, io: CommandIO) {
    const config = trainConfigFromFlags(flags);
    const checkpointPath = stringFlag(flags, 'checkpoint');
    const resumePath = stringFlag(flags, 'resume');
    // The train run kind's own preparation and training, in this process: --profile FILE, then the database's user
    // copies, then the built-ins resolve --backend, as for every command.
    const catalog = config.backend === undefined ? null : await cliCatalog(flags);
    const { input } = prepareTraining(config, {
      providerConnection: () => {
        const { url, apiKey } = ionqConnection();
        return { url, apiKey };
      },
      backend: (name) => resolveBackend(name, catalog!),
      dataset: () => {
        throw new UserError('qnnlab train trains the toy task; to train on a dataset use `qnnlab run start train --dataset ID --target COL`', {
          field: 'dataset',
        });
      },
    });
    let resumeFrom: TrainCheckpoint | undefined;
    if (resumePath) {
      try {
        resumeFrom = JSON.parse(readFileSync(resumePath, 'utf8')) as TrainCheckpoint;
      } catch (e) {
        throw new UserError(`--resume: cannot read a checkpoint from ${resumePath}: ${(e as Error).message}`, { field: 'resume' });
      }
    }
    const bar = createProgressBar(io.stderr, 'train');
    let summary;
    try {
      summary = await runTraining(input, {
        signal: io.signal,
        resumeFrom,
        onProgress: (p) => bar.update(p.fraction, trainProgressLabel(p)),
        onCheckpoint: checkpointPath ? (c) => writeFileSync(checkpointPath, JSON.stringify(c)) : undefined,
        onEstimate: (e) => {
          io.stderr.write(`${estimateLine(e)}${resumeFrom ? ' (whole run; resuming skips what the checkpoint has done)' : ''}\n`);
          io.stderr.write(`${e.backend}: ${input.backend?.provider ? cloudNote(input.backend) : EMULATION_NOTE}\n`);
        },
      });
    } catch (e) {
      if (e instanceof AbortError) throw new UserError(`cancelled${checkpointPath ? `; resume with --resume ${checkpointPath}` : ''}`, { code: 'CANCELLED' });
      throw e;
    } finally {
      bar.done();
    }
    if (flags.json) printJson(io, summary);
    else {
      const where = summary.backend
        ? ` on ${summary.backend}${summary.emulated ? ' (emulated here; nothing was charged)' : ''}, mean kept fraction ${summary.keptFraction.toFixed(4)}`
        : '';
      io.stdout.write(
        `loss ${summary.initialLoss.toExponential(4)} -> ${summary.finalLoss.toExponential(4)} after ${summary.history.length} epochs, ${summary.circuits} circuit evaluations (${summary.circuitsPerSamplePerStep.layer} per sample per step)${where}\n`,
      );
    }
  },
};

export const quantumCommands: Command[] = [circuitCommand, simulateCommand, gradientCommand, trainCommand];
