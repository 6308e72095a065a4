// The device-job run kind end to end: a real forked worker through the run engine. The job's lifecycle shows in the
// run's log and progress; its counts are those of `qnnlab simulate --backend DEVICE --shots K` on the same flags; its
// device time and cost are checked against the profile's figures by hand; a cancel while queued stops it at once;
// every refusal names its field before anything is queued.
import { parseArgs } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabError } from '../../../core/errors.ts';
import { compileCircuit } from '../../../core/hardware/compile.ts';
import { builtinDeviceProfile } from '../../../core/hardware/device-profile.ts';
import { modelCircuit } from '../../../core/quantum/butterfly.ts';
import { runEngines } from '../../../test-support/run-engines.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { openBackend, type Backend } from '../../backend/backend.ts';
import { parseArgsOptions } from '../../cli/command.ts';
import { deviceJobConfigFlags, deviceJobConfigFromFlags } from '../../cli/commands/device-job-flags.ts';
import { runQnnlab } from '../../cli/test-io.ts';
import type { DeviceJobResult } from './device-job.ts';

const dir = useTempDir('qnnlab-device-job-');
let backend: Backend;
const engines = runEngines(() => backend);

beforeEach(() => {
  backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false });
});
afterEach(async () => {
  await engines.closeAll();
  backend.close();
});

const engine = engines.engine;

async function refusal(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a refusal');
}

const logLines = (id: number) => backend.runs.db.prepare('SELECT message FROM run_logs WHERE run_id = ? ORDER BY id').pluck().all(id) as string[];

/** The flags of `qnnlab simulate --backend ionq-aria --shots 2000`, and the run's config from them (the CLI's one mapping). */
const SIMULATE = ['--backend', 'ionq-aria', '--qubits', '8', '--layers', '3', '--seed', '5', '--input', '[1,2,3,4,5,6,7,8]', '--shots', '2000', '--counts'];
const JOB = deviceJobConfigFromFlags(
  parseArgs({ args: [...SIMULATE, '--latency-scale', '1e-5'], options: parseArgsOptions(deviceJobConfigFlags), strict: true }).values,
);

describe('a device job in a worker process', () => {
  it("goes through the job's lifecycle and gives the counts of qnnlab simulate --backend, with the profile's device time and cost", async () => {
    const e = engine();
    const submitted = await e.submit({ kind: 'device-job', config: JOB });
    expect(submitted).toMatchObject({ name: 'ionq-aria: 8-qubit butterfly, 2000 shots', seeds: [5] });
    const run = await e.wait(submitted.id);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.progress).toBe(1);
    const result = run.result as DeviceJobResult;
    expect(result).toMatchObject({ provider: 'emulator', backend: 'ionq-aria', emulated: true, shots: 2000 });
    expect(result.lifecycle.map((s) => s.status)).toEqual(['queued', 'running', 'completed']);
    const log = logLines(run.id).join('\n');
    expect(log).toMatch(/nothing is submitted to a device and nothing is charged/);
    expect(log).toMatch(
      new RegExp(`submitted 1 circuit x 2000 shots to ionq-aria[^]*job ${result.jobId} queued[^]*job ${result.jobId} running[^]*job ${result.jobId} completed`),
    );

    expect(JOB).toEqual({
      ...{ provider: 'emulator', backend: 'ionq-aria', qubits: 8, layers: 3, seed: 5 },
      input: [1, 2, 3, 4, 5, 6, 7, 8],
      shots: 2000,
      counts: true,
      latencyScale: 1e-5,
    });
    const cli = await runQnnlab('simulate', ...SIMULATE, '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const simulated = JSON.parse(cli.stdout);
    expect(result.parameters).toEqual(simulated.parameters);
    expect({ p: result.probabilities, kept: result.keptFraction, keptShots: result.keptShots, counts: result.counts }).toEqual({
      p: simulated.probabilities,
      kept: simulated.keptFraction,
      keptShots: simulated.keptShots,
      counts: simulated.counts,
    });
    expect(Object.values(result.counts!).reduce((s, c) => s + c, 0)).toBe(2000);

    // Device time: job overhead + shots x (1 / shot rate + the compiled circuit's gate time); cost: Aria's gate-shot
    // prices over the compiled gates, at least the minimum per circuit.
    const aria = builtinDeviceProfile('ionq-aria')!;
    const compiled = compileCircuit(modelCircuit({ qubits: 8, layers: 3 }, result.parameters, [1, 2, 3, 4, 5, 6, 7, 8]), aria);
    expect(result.deviceSeconds).toBeCloseTo(10 + 2000 * (1 / 100 + compiled.durationSeconds), 9);
    const gateShots = 2000 * (0.00022 * compiled.counts.oneQubit + 0.00098 * compiled.counts.twoQubit);
    expect(gateShots).toBeGreaterThan(1);
    expect(result.costUSD).toBeCloseTo(gateShots, 9);
    expect(result.queueSeconds).toBeGreaterThan(0);
  }, 60_000);

  it('cancelled while queued, stops at once and says so in its log', async () => {
    const e = engine();
    // latencyScale 1: an hour of emulated queue is the 1.5 s the emulation waits at most.
    const { id } = await e.submit({ kind: 'device-job', config: { ...JOB, latencyScale: 1 } });
    const end = Date.now() + 20_000;
    while (!logLines(id).some((l) => / queued /.test(l)) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    const asked = Date.now();
    await e.cancel(id);
    const run = await e.wait(id);
    expect(run.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(1_000);
    expect(logLines(id).join('\n')).toMatch(/job ionq-aria-[0-9a-f]+ cancelled/);
  }, 60_000);

  it('refuses a config naming the field: a simulator, an unknown device, a circuit the device cannot run, over budget', async () => {
    const e = engine();
    const refused = (config: Record<string, unknown>) => refusal(e.submit({ kind: 'device-job', config: { ...JOB, ...config } }));
    await expect(refused({ backend: 'ideal' })).resolves.toMatchObject({
      code: 'VALIDATION',
      field: 'config.backend',
      message: expect.stringMatching(/is a simulator/),
    });
    await expect(refused({ backend: 'toaster' })).resolves.toMatchObject({
      field: 'config.backend',
      message: expect.stringMatching(/unknown backend "toaster"/),
    });
    await expect(refused({ provider: 'ionq' })).resolves.toMatchObject({ field: 'config.provider', message: expect.stringMatching(/"emulator"/) });
    await expect(refused({ qubits: 32, layers: 5, input: [1] })).resolves.toMatchObject({
      field: 'config.qubits',
      message: expect.stringMatching(/needs 32 qubits; IonQ Aria has 25/),
    });
    await expect(refused({ qubits: 6 })).resolves.toMatchObject({ field: 'config.qubits', message: expect.stringMatching(/power of two/) });
    await expect(refused({ layers: 4 })).resolves.toMatchObject({ field: 'config.layers' });
    await expect(refused({ seed: undefined, params: [0.1, 0.2] })).resolves.toMatchObject({
      field: 'config.params',
      message: expect.stringMatching(/exactly 12 entries/),
    });
    await expect(refused({ seed: undefined })).resolves.toMatchObject({ field: 'config.seed' });
    await expect(refused({ input: [0, 0] })).resolves.toMatchObject({ field: 'config.input', message: expect.stringMatching(/non-zero/) });
    await expect(refused({ architecture: 'pyramid' })).resolves.toMatchObject({ field: 'config.layers' });
    await expect(refused({ budget: 1 })).resolves.toMatchObject({
      field: 'config.budget',
      message: expect.stringMatching(/exceeds the budget of 1\.00 USD; nothing was submitted/),
    });
    expect(backend.runs.db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
  });
});
