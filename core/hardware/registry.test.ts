// One conformance suite over every registered backend, plus the registry's refusals. IonQ's cloud backends run
// against the local fake of IonQ's API (test-support/fake-ionq.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_IONQ_KEY, startFakeIonq, type FakeIonq } from '../../test-support/fake-ionq.ts';
import type { Circuit } from '../quantum/circuit.ts';
import { treeLoader } from '../quantum/loaders.ts';
import { butterflyGates } from '../quantum/butterfly.ts';
import { runUnaryCircuit } from '../quantum/unary-simulator.ts';
import { backendNames, createQuantumBackend, resolveBackend } from './registry.ts';
import type { DeviceJobEvent } from './device-jobs.ts';

function circuit(n: number, layers: number): Circuit {
  const x = Array.from({ length: n }, (_, k) => Math.cos(k + 1));
  const params = Array.from({ length: (n / 2) * layers }, (_, k) => 0.4 * Math.sin(3 * k + 1));
  return { qubits: n, gates: [...treeLoader(x, n).gates, ...butterflyGates(n, layers, params)] };
}

describe('backend registry', () => {
  it('lists the required backends', () => {
    expect(backendNames()).toEqual(
      expect.arrayContaining([
        'ideal',
        'ideal-shots',
        'noisy',
        'ionq-aria',
        'ionq-forte',
        'ionq-forte-enterprise',
        'ionq:simulator',
        'ionq:qpu.aria-1',
        'ionq:qpu.forte-1',
        'ionq:qpu.forte-enterprise-1',
      ]),
    );
  });
  it('refuses unknown names, listing the known ones', () => {
    expect(() => resolveBackend('ionq-harmony')).toThrow(/unknown backend "ionq-harmony"; known backends: ideal, ideal-shots, noisy, ionq-aria/);
  });
  it('refuses probabilities outside [0, 1]', () => {
    expect(() => createQuantumBackend(resolveBackend('noisy'), { p1: 0.1, p2: 1.2, readout: 0 })).toThrow(/p2 must be a probability in \[0, 1\]; got 1.2/);
    expect(() => createQuantumBackend(resolveBackend('noisy'), { readout: -0.01 })).toThrow(/readout/);
  });
  it("refuses an IonQ cloud backend where no connection is given (e.g. an imputer's), naming the backend", () => {
    expect(() => createQuantumBackend(resolveBackend('ionq:simulator'))).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        field: 'backend',
        message: expect.stringMatching(/ionq:simulator submits jobs to IonQ's cloud, which only trainings, imputations/),
      }),
    );
  });
  it('refuses a circuit too large for the device', async () => {
    await expect(
      createQuantumBackend(resolveBackend('ionq-aria'), { latencyScale: 0 }).run({ circuits: [circuit(32, 1)], shots: 10, seed: 1 }),
    ).rejects.toThrow(/32 qubits/);
  });
  it('runs device jobs through queued, running, completed, and can cancel them', async () => {
    const events: DeviceJobEvent[] = [];
    const backend = createQuantumBackend(resolveBackend('ionq-forte-enterprise'), { latencyScale: 1e-5, onDeviceJobStatus: (e) => events.push(e) });
    await backend.run({ circuits: [circuit(4, 2)], shots: 100, seed: 2 });
    expect(events.map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
    const ctl = new AbortController();
    const events2: DeviceJobEvent[] = [];
    const slow = createQuantumBackend(resolveBackend('ionq-aria'), { latencyScale: 1, onDeviceJobStatus: (e) => events2.push(e) });
    const p = slow.run({ circuits: [circuit(4, 2)], shots: 100, seed: 2, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(p).rejects.toThrow(/cancelled/);
    expect(events2.map((e) => e.status)).toEqual(['queued', 'cancelled']);
  });
});

let fakeIonq: FakeIonq;
beforeAll(async () => {
  fakeIonq = await startFakeIonq();
});
afterAll(() => fakeIonq.close());

for (const name of backendNames()) {
  describe(`backend conformance: ${name}`, () => {
    const options = { p1: 0.01, p2: 0.02, readout: 0.01, latencyScale: 0 };
    const provider = () => ({ connection: { url: fakeIonq.url, apiKey: FAKE_IONQ_KEY }, pollMs: 2, backoffMs: 2 });
    let created: ReturnType<typeof createQuantumBackend> | undefined;
    // Created in the first test (the fake's address is known once it listens).
    const backend = new Proxy({} as ReturnType<typeof createQuantumBackend>, {
      get: (_, key) => Reflect.get((created ??= createQuantumBackend(resolveBackend(name), { ...options, provider: provider() })), key),
    });
    const c = circuit(8, 3);
    const ideal = runUnaryCircuit(c).map((a) => a * a);

    it('has a name, a description and a size', () => {
      expect(backend.name).toBe(name);
      expect(backend.description.length).toBeGreaterThan(0);
      expect(backend.maxQubits).toBeGreaterThanOrEqual(8);
    });

    it('returns one outcome per circuit with shots, probabilities summing to 1 over kept shots', async () => {
      const out = await backend.run({ circuits: [c, circuit(4, 1)], shots: 4000, seed: 7 });
      expect(out).toHaveLength(2);
      for (const o of out) {
        expect(o.shots).toBe(4000);
        expect(o.keptShots).toBeGreaterThan(0);
        expect(o.keptFraction).toBeCloseTo(o.keptShots! / 4000, 12);
        expect(o.probabilities.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
        expect(o.counts).toBeDefined();
        expect(Object.values(o.counts!).reduce((s, v) => s + v, 0)).toBe(4000);
      }
      // Close to the ideal distribution (noise is small).
      for (let k = 0; k < 8; k++) expect(Math.abs(out[0].probabilities[k] - ideal[k])).toBeLessThan(0.08);
    });

    it('is deterministic for a seed', async () => {
      const a = await backend.run({ circuits: [c], shots: 500, seed: 3 });
      const b = await backend.run({ circuits: [c], shots: 500, seed: 3 });
      expect(Array.from(a[0].probabilities)).toEqual(Array.from(b[0].probabilities));
    });

    it('gives exact probabilities only when it says so', async () => {
      const req = { circuits: [c], shots: null, seed: 1 };
      if (backend.exact) {
        const [o] = await backend.run(req);
        expect(o.shots).toBeNull();
        expect(o.probabilities.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
        if (name === 'ideal') for (let k = 0; k < 8; k++) expect(o.probabilities[k]).toBeCloseTo(ideal[k], 12);
      } else {
        await expect(backend.run(req)).rejects.toThrow(/cannot return exact probabilities/);
      }
    });

    it('refuses bad shots and honours an aborted signal', async () => {
      await expect(backend.run({ circuits: [c], shots: 0, seed: 1 })).rejects.toThrow(/shots/);
      const ctl = new AbortController();
      ctl.abort();
      await expect(backend.run({ circuits: [c], shots: 10, seed: 1, signal: ctl.signal })).rejects.toThrow(/cancelled/);
    });
  });
}
