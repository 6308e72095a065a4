// The IonQ provider against the local fake of IonQ's API (test-support/fake-ionq.ts): the fake's own checks (auth,
// validation per machine family, status on its clock, multi-circuit results, cancel, estimate), the bit order with
// circuits whose answer is known, retries and time-outs without double submission, failures surfaced, reattach by
// journal and by name, debiasing and shots limits, and IonQ's numbers against an independent simulation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_IONQ_KEY, startFakeIonq, type FakeIonq } from '../../../../test-support/fake-ionq.ts';
import type { LabError } from '../../../errors.ts';
import type { Circuit } from '../../../quantum/circuit.ts';
import { modelCircuit } from '../../../quantum/butterfly.ts';
import { runUnaryCircuit } from '../../../quantum/unary-simulator.ts';
import { createQuantumBackend, resolveBackend } from '../../registry.ts';
import { compileCircuit, simulateNative } from '../../compile.ts';
import { BUILTIN_CATALOG } from '../../device-profile.ts';
import type { IonqRuntime, ProviderJobRecord, ProviderJournal } from './backend.ts';
import { IonqClient } from './client.ts';
import { unaryFromIonq } from './wire.ts';

const fast = { pollMs: 2, pollCapMs: 10, backoffMs: 2, retries: 4, timeoutMs: 2_000 };
let fake: FakeIonq;
let clock = 0;

beforeAll(async () => {
  fake = await startFakeIonq();
});
afterAll(() => fake.close());

function runtime(extra: Partial<IonqRuntime> = {}): IonqRuntime {
  return { connection: { url: fake.url, apiKey: FAKE_IONQ_KEY }, ...fast, ...extra };
}
function backend(name: string, extra: Partial<IonqRuntime> = {}) {
  return createQuantumBackend(resolveBackend(name), { provider: runtime(extra) });
}
const xOn = (n: number, q: number): Circuit => ({ qubits: n, gates: [{ type: 'x', qubit: q }] });
const posts = () => fake.log.filter((r) => r.method === 'POST' && r.path === '/jobs' && r.status === 200).length;

function memoryJournal(scope: string, prior: ProviderJobRecord[] = []): ProviderJournal & { records: ProviderJobRecord[] } {
  const records: ProviderJobRecord[] = [];
  return { scope, records, find: (name) => prior.findLast((r) => r.name === name), record: (r) => void records.push(r) };
}

describe('the fake IonQ service', () => {
  const api = () => `${fake.url}/jobs`;
  const post = (body: unknown, key = FAKE_IONQ_KEY) =>
    fetch(api(), { method: 'POST', headers: { Authorization: `apiKey ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const job = (extra: Record<string, unknown>, circuit: unknown[], qubits = 2) => ({
    type: 'ionq.circuit.v1',
    name: 'j',
    shots: 100,
    backend: 'simulator',
    ...extra,
    input: { gateset: 'native', qubits, circuit },
  });

  it('refuses a wrong key (401) and validates gates per family, angles in turns and qubit counts (400)', async () => {
    expect((await post(job({}, []), 'wrong')).status).toBe(401);
    const ms = { gate: 'ms', targets: [0, 1], phases: [0, 0.25], angle: 0.25 };
    const zz = { gate: 'zz', targets: [0, 1], angle: 0.1 };
    expect((await post(job({ backend: 'qpu.aria-1' }, [ms]))).status).toBe(200);
    expect((await post(job({ backend: 'qpu.aria-1' }, [zz]))).status).toBe(400);
    expect((await post(job({ backend: 'qpu.forte-1' }, [ms]))).status).toBe(400);
    expect((await post(job({ backend: 'simulator', noise: { model: 'forte-1', seed: 1 } }, [ms]))).status).toBe(400);
    expect((await post(job({}, [{ gate: 'gpi', target: 0, phase: 1.2 }]))).status).toBe(400);
    expect((await post(job({}, [{ ...ms, angle: 0.3 }]))).status).toBe(400);
    expect((await post(job({ backend: 'qpu.aria-1' }, [], 26))).status).toBe(400);
    expect((await post(job({ settings: { error_mitigation: { debiasing: true } } }, []))).status).toBe(400);
    const refused = await (await post(job({}, [{ gate: 'cnot', target: 0 }]))).json();
    expect(refused).toMatchObject({ statusCode: 400, message: expect.stringMatching(/unknown native gate/) });
  });

  it('moves a job through submitted, ready, started, completed on its clock, and cancels', async () => {
    const timed = await startFakeIonq({ now: () => clock, validateMs: 10, queueMs: 100, runMs: 50 });
    try {
      const client = new IonqClient({ url: timed.url, apiKey: FAKE_IONQ_KEY, ...fast });
      const id = await client.createJob(jobBodyFor([]));
      const seen: string[] = [];
      for (const t of [0, 10, 109, 110, 159, 160]) {
        clock = t;
        seen.push((await client.job(id)).status);
      }
      expect(seen).toEqual(['submitted', 'ready', 'ready', 'started', 'started', 'completed']);
      clock = 0;
      const other = await client.createJob(jobBodyFor([]));
      await client.cancel(other);
      clock = 1000;
      expect((await client.job(other)).status).toBe('canceled');
    } finally {
      await timed.close();
    }
  });

  it('prices with GET /jobs/estimate (Aria per gate-shot, one USD at least; the simulator free)', async () => {
    const client = new IonqClient({ url: fake.url, apiKey: FAKE_IONQ_KEY, ...fast });
    const e = await client.estimate({ type: 'ionq.circuit.v1', backend: 'qpu.aria-1', '1q_gates': 100, '2q_gates': 20, qubits: 4, shots: 1000 });
    expect(e?.estimated_cost).toBeCloseTo(1000 * (100 * 0.00022 + 20 * 0.00098), 10);
    expect((await client.estimate({ backend: 'simulator', '1q_gates': 1, '2q_gates': 1, qubits: 2, shots: 10 }))?.estimated_cost).toBe(0);
  });
});

function jobBodyFor(circuit: unknown[]) {
  return { type: 'ionq.circuit.v1', name: 'x', backend: 'simulator', shots: 10, metadata: {}, input: { gateset: 'native', qubits: 2, circuit } } as never;
}

describe('ionq backends: bit order and numbers', () => {
  it('reads qubit 0 as the least significant bit: X on qubit k is unary outcome k', async () => {
    for (const name of ['ionq:simulator', 'ionq:qpu.aria-1', 'ionq:qpu.forte-1']) {
      const b = backend(name);
      const out = await b.run({ circuits: [xOn(4, 0), xOn(4, 2), xOn(5, 4)], shots: 1000, seed: 1 });
      // The fake's QPUs depolarise 1-2%: most shots land on e_k.
      expect(out[0].probabilities[0]).toBeGreaterThan(0.97);
      expect(out[1].probabilities[2]).toBeGreaterThan(0.97);
      expect(out[2].probabilities[4]).toBeGreaterThan(0.97);
      if (name === 'ionq:simulator') {
        expect(out[1].counts).toEqual({ '0010': 1000 });
        expect(out[2].counts).toEqual({ '00001': 1000 });
      }
    }
    // The wire conversion alone: key 4 = 0b100 = qubit 2; keys 0, 3 and 5 have Hamming weight 0 or 2 and are dropped.
    const { unary, kept } = unaryFromIonq({ '4': 0.5, '1': 0.25, '0': 0.1, '3': 0.1, '5': 0.05 }, 3);
    expect(kept).toBeCloseTo(0.75, 12);
    expect(Array.from(unary)).toEqual([1 / 3, 0, 2 / 3]);
  });

  it("ideal results equal QNN Lab's own simulation; one step's circuits go as one multi-circuit job", async () => {
    const params = [0.3, -1.1, 0.7, 2.0, -0.4, 0.9, 1.3, -2.2];
    const circuits = [1, 2, 3].map((s) => modelCircuit({ qubits: 8, layers: 1 }, params.slice(0, 4), [s, 1, 2, 3, 4, 5, 6, 7]));
    const before = posts();
    const out = await backend('ionq:simulator').run({ circuits, shots: 200_00, seed: 3 });
    expect(posts()).toBe(before + 1);
    const last = fake.log.findLast((r) => r.method === 'POST')!;
    expect(last.body.type).toBe('ionq.multi-circuit.v1');
    expect(last.body.input.circuits).toHaveLength(3);
    expect(last.body.input.gateset).toBe('native');
    // The exact distribution the fake answered (2^n simulation of the native gates) equals the unary simulator's.
    const aria = BUILTIN_CATALOG.get('ionq-aria')!;
    for (const [k, c] of circuits.entries()) {
      const ideal = runUnaryCircuit(c).map((a) => a * a);
      const { re, im } = simulateNative(8, compileCircuit(c, aria).gates);
      for (let q = 0; q < 8; q++) expect(re[1 << q] ** 2 + im[1 << q] ** 2).toBeCloseTo(ideal[q], 10);
      // 20,000 shots drawn from it: within 4 standard errors.
      for (let q = 0; q < 8; q++) expect(Math.abs(out[k].probabilities[q] - ideal[q])).toBeLessThan(4 * Math.sqrt(0.25 / 20_000) + 1e-12);
      expect(out[k].keptFraction).toBe(1);
    }
  });

  it('compiles for the family: MS on Aria and the ideal simulator, ZZ on Forte and its noise model', async () => {
    const c = modelCircuit({ qubits: 4, layers: 2 }, [0.1, 0.2, 0.3, 0.4], [1, 2, 3, 4]);
    await backend('ionq:qpu.forte-enterprise-1').run({ circuits: [c], shots: 100, seed: 1 });
    const gates = (fake.log.findLast((r) => r.method === 'POST')!.body.input.circuit as { gate: string }[]).map((g) => g.gate);
    expect(gates).toContain('zz');
    expect(gates).not.toContain('ms');
    await backend('ionq:simulator', { noiseModel: 'forte-1' }).run({ circuits: [c], shots: 100, seed: 1 });
    const sim = fake.log.findLast((r) => r.method === 'POST')!.body;
    expect(sim.noise).toEqual({ model: 'forte-1', seed: 1 });
    expect(sim.input.circuit.map((g: { gate: string }) => g.gate)).toContain('zz');
  });
});

describe('ionq backends: refusals and failures', () => {
  const c4 = xOn(4, 1);

  it('no key, a wrong key: VALIDATION on apiKey saying what to do; nothing submitted', async () => {
    const before = posts();
    await expect(backend('ionq:simulator', { connection: { url: fake.url, apiKey: null } }).run({ circuits: [c4], shots: 10, seed: 1 })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'apiKey',
      message: expect.stringMatching(/QNNLAB_IONQ_API_KEY/),
    });
    await expect(
      backend('ionq:simulator', { connection: { url: fake.url, apiKey: 'nope' } }).run({ circuits: [c4], shots: 10, seed: 1 }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'apiKey',
      message: expect.stringMatching(/IonQ refused the API key \(401/),
    });
    expect(posts()).toBe(before);
  });

  it('unknown backend or noise model, a circuit too large, shots out of limits, debiasing below 500: named, before any request', async () => {
    const requests = fake.log.length;
    expect(() => resolveBackend('ionq:qpu.harmony')).toThrow(/unknown IonQ backend "ionq:qpu.harmony"; IonQ backends: ionq:simulator, ionq:qpu.aria-1/);
    expect(() => backend('ionq:simulator', { noiseModel: 'aria-9' })).toThrow(expect.objectContaining({ field: 'noiseModel' }));
    expect(() => backend('ionq:qpu.aria-1', { noiseModel: 'forte-1' })).toThrow(/noise model applies only to ionq:simulator/);
    await expect(backend('ionq:qpu.aria-1').run({ circuits: [xOn(32, 0)], shots: 10, seed: 1 })).rejects.toMatchObject({
      field: 'qubits',
      message: expect.stringMatching(/32 qubits.*25/),
    });
    await expect(backend('ionq:simulator').run({ circuits: [c4], shots: 100_001, seed: 1 })).rejects.toMatchObject({ field: 'shots' });
    await expect(backend('ionq:qpu.aria-1', { debiasing: true }).run({ circuits: [c4], shots: 499, seed: 1 })).rejects.toMatchObject({
      field: 'debiasing',
      message: expect.stringMatching(/at least 500 shots.*got 499/),
    });
    expect(fake.log.length).toBe(requests);
  });

  it("surfaces a failed job's {code, error}; the journal records it", async () => {
    fake.failNextJob({ code: 'CompilationError', error: 'the circuit could not be compiled' });
    const journal = memoryJournal('fail');
    const err = (await backend('ionq:simulator', { journal })
      .run({ circuits: [c4], shots: 10, seed: 1 })
      .catch((e) => e)) as LabError;
    expect(err.message).toMatch(/IonQ job \S+ failed \(CompilationError\): the circuit could not be compiled/);
    expect(err.details).toMatchObject({ failure: { code: 'CompilationError' } });
    expect(journal.records.at(-1)).toMatchObject({ status: 'failed', failure: { code: 'CompilationError' } });
  });

  it('retries 429 and 503 and time-outs with backoff; a POST whose answer was lost is found by name, not sent twice', async () => {
    fake.inject({ method: 'GET', path: /^\/jobs\/[^/]+$/, status: 503, times: 2 });
    fake.inject({ method: 'POST', path: '/jobs', status: 429, headers: { 'Retry-After': '0' } });
    const before = posts();
    await backend('ionq:simulator').run({ circuits: [c4], shots: 10, seed: 11 });
    expect(posts()).toBe(before + 1);

    // The job is created but the answer is a 502, then the next attempt times out: one job all the same.
    fake.inject({ method: 'POST', path: '/jobs', status: 502, afterEffect: true });
    fake.inject({ method: 'GET', path: '/jobs', delayMs: 300 });
    const names = fake.submittedNames().length;
    const out = await backend('ionq:simulator', { timeoutMs: 100 }).run({ circuits: [c4], shots: 10, seed: 12 });
    expect(out[0].probabilities[1]).toBe(1);
    expect(fake.submittedNames().length).toBe(names + 1);

    // Every attempt (1 + 4 retries) answered 502: UNAVAILABLE, saying what was tried.
    fake.inject({ method: 'GET', status: 502, times: 5 });
    await expect(backend('ionq:simulator').run({ circuits: [c4], shots: 10, seed: 13 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/did not answer GET .* after 5 attempts \(the last answer was 502\)/),
    });
  });

  it('reattaches: a job in the journal is polled, an intent without id is looked up by name; neither is submitted again', async () => {
    const first = memoryJournal('run7');
    const a = await backend('ionq:simulator', { journal: first, noiseModel: 'aria-1' }).run({ circuits: [c4, xOn(4, 3)], shots: 300, seed: 5 });
    const done = first.records.at(-1)!;
    expect(done).toMatchObject({ status: 'completed', circuits: 2, shots: 300, backend: 'ionq:simulator', costUSD: 0 });
    expect(done.providerJobId).toBeTruthy();
    const before = posts();
    const again = await backend('ionq:simulator', { journal: memoryJournal('run7', [done]), noiseModel: 'aria-1' }).run({
      circuits: [c4, xOn(4, 3)],
      shots: 300,
      seed: 5,
    });
    const intentOnly = { ...first.records[0], providerJobId: null, status: 'submitting' as const };
    const looked = await backend('ionq:simulator', { journal: memoryJournal('run7', [intentOnly]), noiseModel: 'aria-1' }).run({
      circuits: [c4, xOn(4, 3)],
      shots: 300,
      seed: 5,
    });
    expect(posts()).toBe(before);
    for (const r of [again, looked]) expect(r.map((o) => Array.from(o.probabilities))).toEqual(a.map((o) => Array.from(o.probabilities)));
  });

  it('stops before a job that would pass the run budget (QPU), and records the actual cost of those it ran', async () => {
    const journal = memoryJournal('budget');
    let spent = 0;
    const spending: ProviderJournal = { ...journal, budgetUSD: 1.5, spentUSD: () => spent, record: (r) => void ((spent += r.costUSD ?? 0), journal.record(r)) };
    await backend('ionq:qpu.aria-1', { journal: spending }).run({ circuits: [c4], shots: 100, seed: 1 });
    expect(journal.records.at(-1)!.costUSD).toBe(1); // the fake's minimum per circuit
    await expect(backend('ionq:qpu.aria-1', { journal: spending }).run({ circuits: [c4], shots: 100, seed: 2 })).rejects.toMatchObject({
      field: 'budgetUSD',
      message: expect.stringMatching(/past its budget of 1.50 USD.*Raise the budget and resume/),
    });
  });
});
