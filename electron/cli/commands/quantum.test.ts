import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQnnlab } from '../test-io.ts';
import { parseQasm } from '../../../core/quantum/qasm.ts';
import { runStandardCircuit, unaryAmplitudes } from '../../../core/quantum/statevector.ts';
import { estimateLine, trainProgressLabel } from '../../workers/kinds/train.ts';

describe('qnnlab circuit / simulate / gradient / train', () => {
  it('exports OpenQASM whose amplitudes match `simulate`', async () => {
    const args = ['--qubits', '8', '--layers', '2', '--seed', '5', '--input', '[1, -2, 0.5]'];
    const qasm = await runQnnlab('circuit', ...args, '--format', 'qasm');
    expect(qasm.code, qasm.stderr).toBe(0);
    const sim = await runQnnlab('simulate', ...args, '--json');
    expect(sim.code, sim.stderr).toBe(0);
    const out = JSON.parse(sim.stdout);
    expect(out.parameters).toHaveLength(8);
    expect(out.parameters.every((t: number) => t >= -Math.PI && t < Math.PI)).toBe(true);
    expect(out.keptFraction).toBe(1);
    const amp = unaryAmplitudes(runStandardCircuit(parseQasm(qasm.stdout)));
    out.amplitudes.forEach((a: number, k: number) => expect(Math.abs(a - amp.re[k])).toBeLessThan(1e-12));
    const json = await runQnnlab('circuit', ...args, '--format', 'json');
    expect(JSON.parse(json.stdout).gates[0]).toEqual({ type: 'x', qubit: 0 });
  });

  it('--seed with --params seeds the shots (as --shot-seed does), on every backend path', async () => {
    const base = ['--qubits', '4', '--layers', '1', '--params', '[0.1, 0.2]', '--input', '[1, 2, 3, 4]', '--shots', '200', '--json'];
    for (const extra of [[], ['--backend', 'ideal-shots']]) {
      const counts = async (...seed: string[]) => {
        const r = await runQnnlab('simulate', ...base, ...extra, ...seed);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout).probabilities;
      };
      expect(await counts('--seed', '3')).toEqual(await counts('--shot-seed', '3'));
      expect(await counts('--seed', '3')).not.toEqual(await counts('--seed', '4'));
    }
  });

  it('simulates with shots (seeded) and echoes --params', async () => {
    const a = await runQnnlab('simulate', '--qubits', '4', '--layers', '1', '--params', '[0.1, 0.2]', '--input', '[1, 1, 1, 1]', '--shots', '500', '--json');
    const b = await runQnnlab('simulate', '--qubits', '4', '--layers', '1', '--params', '[0.1, 0.2]', '--input', '[1, 1, 1, 1]', '--shots', '500', '--json');
    expect(a.code, a.stderr).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out).toMatchObject({ parameters: [0.1, 0.2], amplitudes: null, keptFraction: 1, shots: 500 });
    expect(a.stdout).toBe(b.stdout);
  });

  it('computes gradients with the three methods and their circuit counts', async () => {
    const args = ['--qubits', '8', '--layers', '3', '--seed', '2', '--input', '[1, 2, 3, 4]', '--weights', '[1, 0, 0, 0, 0, 0, 0, -1]', '--json'];
    const run = async (method: string, scope: string) => JSON.parse((await runQnnlab('gradient', ...args, '--method', method, '--scope', scope)).stdout);
    const par = await run('parallel-shift', 'last-layer');
    const ps = await run('parameter-shift', 'all');
    const adj = await run('adjoint', 'all');
    expect([par.circuitEvaluations, ps.circuitEvaluations, adj.circuitEvaluations]).toEqual([4, 48, 0]);
    for (let q = 0; q < 12; q++) {
      expect(Math.abs(ps.gradient[q] - adj.gradient[q])).toBeLessThan(1e-12);
      if (q >= 8) expect(Math.abs(par.gradient[q] - adj.gradient[q])).toBeLessThan(1e-12);
    }
  });

  it('trains the toy task, writes checkpoints and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qnnlab-train-'));
    try {
      const ck = join(dir, 'ck.json');
      const args = ['--qubits', '8', '--layers', '3', '--epochs', '3', '--samples', '64', '--seed', '1', '--json'];
      const full = await runQnnlab('train', ...args, '--checkpoint', ck);
      expect(full.code, full.stderr).toBe(0);
      const summary = JSON.parse(full.stdout);
      expect(summary.finalLoss).toBeLessThan(summary.initialLoss);
      expect(summary.circuitsPerSamplePerStep.layer).toBe(4);
      expect(JSON.parse(readFileSync(ck, 'utf8')).phaseIndex).toBe(3);
      const resumed = await runQnnlab('train', ...args, '--resume', ck);
      expect(JSON.parse(resumed.stdout).parameters).toEqual(summary.parameters);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('train --backend', () => {
    const small = ['--qubits', '4', '--layers', '2', '--epochs', '2', '--samples', '8', '--batch', '4', '--seed', '1', '--json'];

    it("ideal through the registry gives the exact path's parameters", async () => {
      const exact = await runQnnlab('train', ...small);
      const ideal = await runQnnlab('train', ...small, '--backend', 'ideal');
      expect(ideal.code, ideal.stderr).toBe(0);
      const a = JSON.parse(exact.stdout);
      const b = JSON.parse(ideal.stdout);
      expect(a.backend).toBeNull();
      expect(b).toMatchObject({ backend: 'ideal', estimate: null, keptFraction: 1, circuits: a.circuits });
      b.parameters.forEach((t: number, q: number) => expect(Math.abs(t - a.parameters[q])).toBeLessThan(1e-9));
    });

    it('noisy with shots reports a kept fraction below 1', async () => {
      const r = await runQnnlab('train', ...small, '--backend', 'noisy', '--p2', '0.03', '--readout', '0.02', '--shots', '300');
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.backend).toBe('noisy');
      expect(out.estimate).toBeNull();
      expect(out.keptFraction).toBeGreaterThan(0.7);
      expect(out.keptFraction).toBeLessThan(1);
      expect(out.circuits).toBe(4 * 8 * 2 * 2);
      expect(out.history.every((h: { keptFraction: number }) => h.keptFraction < 1)).toBe(true);
    });

    it('a device run prints its estimate first, then trains through jobs', async () => {
      const r = await runQnnlab('train', ...small, '--backend', 'ionq-aria', '--shots', '100', '--latency-scale', '0');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /^estimate for ionq-aria: 128 circuits \(128 gradient, 0 forward\), 12800 shots, device \d+\.\d\d h \+ queue 8\.00 h over 8 jobs, cost \d+\.\d\d USD\n/,
      );
      const out = JSON.parse(r.stdout);
      expect(out.backend).toBe('ionq-aria');
      // The estimate counts exactly what the trainer ran (4 circuits per sample per step, one job per step).
      expect(out.estimate.circuits).toBe(out.circuits);
      expect(out.estimate.jobs).toBe(2 * 2 * 2);
      expect(out.estimate.costUSD).toBeGreaterThanOrEqual(128); // Aria: at least 1 USD per circuit
      expect(out.keptFraction).toBeGreaterThan(0.7);
      expect(out.keptFraction).toBeLessThan(1);
    });

    it('refuses a device run over budget before anything runs', async () => {
      const r = await runQnnlab('train', ...small, '--backend', 'ionq-aria', '--shots', '100', '--budget', '10');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^estimate for ionq-aria: 128 circuits/);
      expect(r.stderr).toMatch(
        /exceeds the budget of 10\.00 USD; nothing was submitted\. Lower --shots or --epochs, use --method parallel-shift, or raise --budget\./,
      );
      const ok = await runQnnlab('train', ...small, '--backend', 'ionq-aria', '--shots', '100', '--budget', '1000', '--latency-scale', '0');
      expect(ok.code, ok.stderr).toBe(0);
    });

    it.each([
      [['--backend', 'ionq-aria'], /backend ionq-aria needs shots \(a device backend measures shots\), e\.g\. 1000/],
      [['--backend', 'ideal-shots'], /backend ideal-shots needs shots \(ideal-shots returns shot estimates\)/],
      [['--backend', 'nope'], /unknown backend "nope"; known backends: ideal, ideal-shots, noisy, ionq-aria/],
      [['--backend', 'ionq-aria', '--p2', '0.1', '--shots', '10'], /--p1, --p2 and --readout set the noise of --backend noisy/],
      [['--backend', 'noisy', '--p2', '1.5'], /p2 must be a probability in \[0, 1\]; got 1.5/],
      [['--budget', '5'], /--budget and --latency-scale apply to a device backend/],
      [['--backend', 'ionq-aria', '--shots', '10', '--method', 'adjoint'], /adjoint is exact and simulator-only/],
      [['--backend', 'ionq-aria', '--shots', '10', '--budget=-1'], /--budget must be at least 0/],
    ])('refuses %j', async (extra, message) => {
      const r = await runQnnlab('train', ...small, ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });

    it('labels progress with layer, epoch, loss, circuits and kept fraction; prints a one-line estimate', () => {
      expect(
        trainProgressLabel({
          phase: 'layer',
          layer: 2,
          epoch: 3,
          step: 1,
          stepsPerEpoch: 4,
          loss: 0.01234,
          circuits: 640,
          keptFraction: 0.9731,
          stepsDone: 20,
          fraction: 0.5,
        }),
      ).toBe('layer 2 epoch 3 step 1/4 loss 1.234e-2 circuits 640 kept 97.3%');
      expect(
        trainProgressLabel({
          phase: 'fine-tune',
          layer: 3,
          epoch: 1,
          step: 2,
          stepsPerEpoch: 2,
          loss: 1,
          circuits: 10,
          keptFraction: 1,
          stepsDone: 30,
          fraction: 1,
        }),
      ).toMatch(/^fine-tune epoch 1/);
      const line = estimateLine({
        backend: 'ionq-aria',
        circuits: 10,
        gradientCircuits: 8,
        forwardCircuits: 2,
        shots: 1000,
        deviceSeconds: 7200,
        queueSeconds: 3600,
        jobs: 1,
        costUSD: 12.345,
      } as never);
      expect(line).toBe('estimate for ionq-aria: 10 circuits (8 gradient, 2 forward), 1000 shots, device 2.00 h + queue 1.00 h over 1 jobs, cost 12.35 USD');
      expect(line).not.toMatch(/\n/);
    });
  });

  it.each([
    [['circuit', '--qubits', '12', '--seed', '1'], /--qubits: qubits must be a power of two between 2 and 1024; got 12/],
    [['circuit', '--qubits', '1', '--seed', '1'], /between 2 and 1024; got 1/],
    [['circuit', '--qubits', '2048', '--seed', '1'], /got 2048/],
    [['circuit', '--qubits', '8', '--layers', '4', '--seed', '1'], /between 1 and log2\(8\) = 3; got 4/],
    [['simulate', '--qubits', '8', '--seed', '1', '--input', '[0, 0]'], /non-zero/],
    [['simulate', '--qubits', '8', '--seed', '1', '--input', '[1, 1e999]'], /finite numbers/],
    [['simulate', '--qubits', '4', '--layers', '1', '--params', '[1, 2, 3]', '--input', '[1]'], /exactly 2 entries.*got 3/],
    [['gradient', '--qubits', '4', '--seed', '1', '--input', '[1]', '--weights', '[1]', '--method', 'adjoint'], /--weights must have exactly 4 entries.*got 1/],
    [['gradient', '--qubits', '4', '--seed', '1', '--input', '[1]', '--weights', '[1,1,1,1]', '--method', 'parallel-shift', '--scope', 'all'], /last-layer/],
    [['simulate', '--qubits', '32', '--seed', '1', '--input', '[1]', '--simulator', 'statevector'], /1 to 20 qubits; got 32/],
    [['train', '--qubits', '6', '--layers', '1'], /power of two.*got 6/],
  ])('refuses %j', async (argv, message) => {
    const r = await runQnnlab(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('says in plain words that a device run was emulated and nothing was charged', async () => {
    const r = await runQnnlab(
      'train',
      '--qubits',
      '4',
      '--layers',
      '1',
      '--samples',
      '8',
      '--epochs',
      '1',
      '--backend',
      'ionq-aria',
      '--shots',
      '50',
      '--latency-scale',
      '0',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /ionq-aria: emulated on this machine with the profile's noise, time and cost model: nothing is submitted to a device and nothing is charged/,
    );
    expect(r.stdout).toMatch(/on ionq-aria \(emulated here; nothing was charged\)/);
  });
});

describe('qnnlab help, version and flag parsing', () => {
  it('prints the version and the command list', async () => {
    const v = await runQnnlab('--version');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version);
    const help = await runQnnlab('help');
    expect(help.stdout).toMatch(/qnnlab train +Train a butterfly QNN/);
  });

  it('lists a group of commands (qnnlab dataset, qnnlab dataset --help) and refuses an unknown subcommand', async () => {
    for (const argv of [['dataset'], ['dataset', '--help']]) {
      const r = await runQnnlab(...argv);
      expect(r.code, r.stderr).toBe(0);
      for (const sub of ['import', 'list', 'show', 'export']) expect(r.stdout).toMatch(new RegExp(`qnnlab dataset ${sub} +\\S`));
    }
    const bad = await runQnnlab('devices', 'lst');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command "devices lst"/);
  });

  it('describes every flag on its own line', async () => {
    const r = await runQnnlab('train', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}--qubits N +qubits of the model: a power of two from 2 to 1024 \(required\)$/m);
    expect(r.stdout).toMatch(/^ {2}--epochs E +epochs per layer, 1 to 100,000 \(default 10\)$/m);
    expect(r.stdout).toMatch(/^ {2}--budget USD +device backends: refuse/m);
    expect(r.stdout).toMatch(/^ {2}--help +this help$/m);
  });

  it('reports every missing required flag at once', async () => {
    const r = await runQnnlab('estimate', '--qubits', '16', '--backend', 'ionq-aria');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qnnlab: --layers, --samples, --epochs and --shots are required\n/);
  });

  it('names the flag the user typed, and reads negative numbers as values', async () => {
    const epochs = await runQnnlab('train', '--qubits', '4', '--layers', '1', '--epochs', '0');
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toMatch(/--epochs must be at least 1, got 0/);
    const budget = await runQnnlab('train', '--qubits', '4', '--layers', '1', '--backend', 'ionq-aria', '--shots', '10', '--budget', '-3');
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/--budget must be at least 0, got -3/);
    const input = await runQnnlab('simulate', '--qubits', '4', '--layers', '1', '--seed', '-7', '--input', '[1, -2]', '--json');
    expect(input.code, input.stderr).toBe(0);
  });
});
