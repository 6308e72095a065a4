import { beforeEach, describe, expect, it } from 'vitest';
import { estimateTraining } from '../../../core/hardware/estimate.ts';
import { resolveBackend } from '../../../core/hardware/registry.ts';
import { builtinDeviceProfile } from '../../../core/hardware/device-profile.ts';
import type { Handlers } from '../../contract/channels.ts';
import type { Result } from '../../contract/errors.ts';
import type { HardwareEstimate } from '../../contract/hardware.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { dispatch } from '../rpc.ts';
import { createHandlers } from './index.ts';
import { DatasetService } from '../services/datasets.ts';
import { DeviceProfileService } from '../services/devices.ts';
import { RunService } from '../services/runs.ts';

const lab = useTempDatabase('qnnlab-hardware-');
let handlers: Handlers;

beforeEach(() => {
  const db = lab.db;
  handlers = createHandlers({
    db,
    databasePath: lab.path,
    transport: 'http',
    version: '0.1.0-test',
    datasets: new DatasetService(db),
    devices: new DeviceProfileService(db),
    runs: new RunService(db, '0.1.0-test'),
  });
});

async function ok(request: unknown): Promise<HardwareEstimate> {
  const r = await dispatch(handlers, 'hardware.estimate', request);
  if (!r.ok) throw new Error(`hardware.estimate failed: ${r.error.code} ${r.error.message}`);
  return r.value as HardwareEstimate;
}
async function fail(request: unknown): Promise<Extract<Result<unknown>, { ok: false }>['error']> {
  const r = await dispatch(handlers, 'hardware.estimate', request);
  if (r.ok) throw new Error('hardware.estimate unexpectedly succeeded');
  return r.error;
}

const plan = { qubits: 16, layers: 4, samples: 100, epochs: 5, shots: 1000, method: 'parallel-shift', backend: 'ionq-aria' } as const;

describe('hardware.estimate', () => {
  it("returns estimateTraining's figures, JSON-safe, with no budget verdict when no budget is given", async () => {
    const e = await ok(plan);
    const expected = estimateTraining({ ...plan, backend: resolveBackend(plan.backend) });
    expect(e).toEqual({ ...expected, qubits: 16, budgetUSD: null, withinBudget: null });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    expect(e.circuits).toBe(4 * 100 * 5 * 4); // 4 per sample per step, S x E per layer, 4 layers
    expect(e.costUSD).toBeGreaterThan(0);
    expect(e.perLayer).toHaveLength(4);
  });

  it('passes the batch size through and judges the budget', async () => {
    const withBatch = await ok({ ...plan, batchSize: 10 });
    expect(withBatch).toMatchObject({ jobs: estimateTraining({ ...plan, batchSize: 10, backend: resolveBackend(plan.backend) }).jobs });
    const cost = withBatch.costUSD;
    expect(await ok({ ...plan, batchSize: 10, budgetUSD: cost * 2 })).toMatchObject({ budgetUSD: cost * 2, withinBudget: true });
    expect(await ok({ ...plan, batchSize: 10, budgetUSD: 1 })).toMatchObject({ budgetUSD: 1, withinBudget: false });
    expect(await ok({ ...plan, budgetUSD: 0, backend: 'ideal' })).toMatchObject({ costUSD: 0, withinBudget: true, device: false });
  });

  it('the per-parameter rule needs n/2 times the gradient circuits of the parallel shift', async () => {
    for (const qubits of [4, 16, 32]) {
      const p = { ...plan, qubits, layers: 2, backend: 'ionq-forte' };
      const parallel = await ok(p);
      const perParameter = await ok({ ...p, method: 'parameter-shift' });
      expect(perParameter.gradientCircuits / parallel.gradientCircuits).toBe(qubits / 2);
      expect(perParameter.forwardCircuits).toBe(p.samples * p.epochs * p.layers);
      expect(parallel.forwardCircuits).toBe(0);
    }
  });

  it('uses a user copy of a profile instead of the built-in', async () => {
    const aria = builtinDeviceProfile('ionq-aria')!;
    const pricing = aria.pricing;
    if (pricing.model !== 'per-gate-shot') throw new Error('expected per-gate-shot pricing');
    const copy = {
      ...structuredClone(aria),
      pricing: { ...pricing, twoQubitGateShotUSD: { ...pricing.twoQubitGateShotUSD, value: 2 * pricing.twoQubitGateShotUSD.value } },
    };
    const before = await ok(plan);
    const saved = await dispatch(handlers, 'devices.save', { profile: copy });
    expect(saved.ok).toBe(true);
    const after = await ok(plan);
    expect(after.costUSD).toBe(estimateTraining({ ...plan, backend: { name: 'ionq-aria', profile: copy } }).costUSD);
    expect(after.costUSD).not.toBe(before.costUSD);
    const mine = { ...structuredClone(aria), id: 'my-aria', name: 'My Aria' };
    expect((await dispatch(handlers, 'devices.save', { profile: mine })).ok).toBe(true);
    expect((await ok({ ...plan, backend: 'my-aria' })).backend).toBe('my-aria');
  });

  it('qubits that are not a power of two are a VALIDATION error naming the value', async () => {
    for (const qubits of [12, 3, 1, 2048, 16.5]) {
      const e = await fail({ ...plan, qubits });
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toContain('qubits');
      expect(e.message).toContain(`got ${qubits}`);
      expect(e.message).toMatch(/power of two between 2 and 1024/);
    }
    expect((await fail({ ...plan, qubits: '16' })).message).toMatch(/qubits: must be a number; got "16"/);
  });

  it('an unknown backend is a VALIDATION error listing the known ones', async () => {
    const e = await fail({ ...plan, backend: 'ibm-heron' });
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/unknown backend "ibm-heron"/i);
    for (const known of ['ideal', 'ideal-shots', 'noisy', 'ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']) expect(e.message).toContain(known);
  });

  it('other bad plans are VALIDATION errors that say what is wrong', async () => {
    expect((await fail({ ...plan, layers: 5 })).message).toMatch(/layers must be an integer between 1 and log2\(16\) = 4; got 5/i);
    expect((await fail({ ...plan, samples: 0 })).message).toMatch(/samples: must be a whole number between 1 and .*; got 0/);
    expect((await fail({ ...plan, shots: 2.5 })).message).toMatch(/shots: .*got 2.5/);
    expect((await fail({ ...plan, method: 'finite-difference' })).message).toMatch(/method: must be one of parallel-shift, parameter-shift/);
    expect((await fail({ ...plan, budgetUSD: -1 })).message).toMatch(/budgetUSD: must be a non-negative number of USD; got -1/);
    expect((await fail({ ...plan, backend: '  ' })).code).toBe('VALIDATION');
    expect((await fail({ ...plan, qubits: 32, layers: 5, backend: 'ionq-aria' })).code).toBe('VALIDATION'); // 32 > Aria's 25 qubits
    const { samples: _omit, ...noSamples } = plan;
    expect((await fail(noSamples)).message).toMatch(/samples: must be a number; got nothing/);
  });
});
