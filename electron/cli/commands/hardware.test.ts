import { beforeEach, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runQnnlab } from '../test-io.ts';
import { BUILTIN_DEVICE_PROFILES } from '../../../core/hardware/device-profile.ts';
import { useDefaultDatabase, useTempDir } from '../../../test-support/files.ts';

describe('qnnlab devices / compile / estimate / simulate --backend', () => {
  // Keep the user's own database (and its profile copies) out of these tests: point the default at a missing file.
  const tmp = useTempDir('qnnlab-hw-');
  useDefaultDatabase(tmp, 'none.db');
  let home: string;
  beforeEach(() => {
    home = tmp.path;
  });

  it('lists the device profiles', async () => {
    const r = await runQnnlab('devices', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.devices.map((d: { id: string }) => d.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']);
    expect(out.devices[0]).toMatchObject({ builtin: true, source: 'builtin', qubits: 25, fidelity: { twoQubit: 0.996 }, pricing: 'per-gate-shot' });
    expect(out.devices[0].assumedFields).toHaveLength(out.devices[0].assumptions);
    expect(out.backends).toContain('noisy');
    expect(existsSync(process.env.QNNLAB_DB!)).toBe(false);
  });

  it('prints the exact noisy distribution over all 2^n outcomes', async () => {
    const r = await runQnnlab(
      'simulate',
      '--qubits',
      '4',
      '--layers',
      '2',
      '--seed',
      '1',
      '--input',
      '[1,2,3,4]',
      '--backend',
      'noisy',
      '--p1',
      '0.01',
      '--p2',
      '0.02',
      '--readout',
      '0.01',
      '--exact',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.distribution)).toHaveLength(16);
    const total = Object.values(out.distribution as Record<string, number>).reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(1, 12);
    const kept = ['1000', '0100', '0010', '0001'].reduce((s, k) => s + out.distribution[k], 0);
    expect(out.keptFraction).toBeCloseTo(kept, 12);
    expect(out.probabilities).toHaveLength(4);
  });

  it('simulates with shots on a device backend, with a kept fraction', async () => {
    const r = await runQnnlab(
      'simulate',
      '--qubits',
      '8',
      '--layers',
      '3',
      '--seed',
      '1',
      '--input',
      '[1,2,3,4]',
      '--backend',
      'ionq-forte-enterprise',
      '--shots',
      '2000',
      '--shot-seed',
      '4',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.shots).toBe(2000);
    expect(out.keptFraction).toBeGreaterThan(0.8);
    expect(out.keptFraction).toBeLessThan(1);
  });

  it('compiles to IonQ JSON and refuses circuits too large', async () => {
    const r = await runQnnlab('compile', '--qubits', '4', '--layers', '2', '--backend', 'ionq-aria', '--format', 'ionq-json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.gateset).toBe('native');
    expect(out.circuit.filter((g: { gate: string }) => g.gate === 'ms')).toHaveLength(2 * (3 + 4));
    const big = await runQnnlab('compile', '--qubits', '32', '--layers', '1', '--backend', 'ionq-aria');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/needs 32 qubits; IonQ Aria has 25/);
  });

  it('estimates a training and refuses one over budget', async () => {
    const args = ['--qubits', '16', '--layers', '4', '--samples', '10', '--epochs', '2', '--shots', '100', '--backend', 'ionq-aria', '--json'];
    const a = JSON.parse((await runQnnlab('estimate', ...args, '--method', 'parallel-shift')).stdout);
    const b = JSON.parse((await runQnnlab('estimate', ...args, '--method', 'parameter-shift')).stdout);
    for (const k of ['circuits', 'gradientCircuits', 'shots', 'deviceSeconds', 'costUSD']) expect(typeof a[k]).toBe('number');
    expect(b.gradientCircuits / a.gradientCircuits).toBe(8);
    const over = await runQnnlab('estimate', ...args, '--method', 'parallel-shift', '--budget', '5');
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/exceeds the budget of 5.00 USD/);
  });

  it('refuses unknown backends, bad probabilities and invalid profile files', async () => {
    const u = await runQnnlab('simulate', '--qubits', '4', '--layers', '1', '--seed', '1', '--input', '[1,2]', '--backend', 'nope', '--json');
    expect(u.stderr).toMatch(/unknown backend "nope"; known backends: ideal, ideal-shots, noisy/);
    const p = await runQnnlab(
      'simulate',
      '--qubits',
      '4',
      '--layers',
      '1',
      '--seed',
      '1',
      '--input',
      '[1,2]',
      '--backend',
      'noisy',
      '--readout',
      '1.5',
      '--shots',
      '10',
      '--json',
    );
    expect(p.stderr).toMatch(/readout must be a probability in \[0, 1\]; got 1.5/);
    const bad = structuredClone(BUILTIN_DEVICE_PROFILES[0]) as Record<string, any>;
    bad.id = 'my-device';
    bad.duration.twoQubitSeconds.value = -1;
    const file = join(home, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const r = await runQnnlab('compile', '--qubits', '4', '--layers', '1', '--backend', 'my-device', '--profile', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/device profile field "duration\.twoQubitSeconds(\.value)?"/);
  });

  it('estimate and train agree on a user copy of a profile, and train takes a user profile id (one resolver)', async () => {
    const db = join(home, 'copies.db');
    const aria = structuredClone(BUILTIN_DEVICE_PROFILES[0]) as Record<string, any>;
    aria.pricing.twoQubitGateShotUSD.value *= 4; // our negotiated (worse) price
    const file = join(home, 'aria.json');
    writeFileSync(file, JSON.stringify(aria));
    expect((await runQnnlab('devices', 'import', file, '--db', db)).code).toBe(0);
    const mine = { ...structuredClone(aria), id: 'my-aria', name: 'My Aria' };
    writeFileSync(file, JSON.stringify(mine));
    expect((await runQnnlab('devices', 'import', file, '--db', db)).code).toBe(0);

    const plan = ['--qubits', '4', '--layers', '2', '--samples', '16', '--epochs', '2', '--shots', '100'];
    const builtin = JSON.parse((await runQnnlab('estimate', ...plan, '--backend', 'ionq-aria', '--json')).stdout);
    const estimate = JSON.parse((await runQnnlab('estimate', ...plan, '--backend', 'ionq-aria', '--db', db, '--json')).stdout);
    expect(estimate.costUSD).not.toBe(builtin.costUSD);
    for (const backend of ['ionq-aria', 'my-aria']) {
      const train = await runQnnlab('train', ...plan, '--backend', backend, '--db', db, '--latency-scale', '0', '--json');
      expect(train.code, train.stderr).toBe(0);
      const out = JSON.parse(train.stdout);
      expect(out.estimate.costUSD).toBe(estimate.costUSD);
      expect(out.emulated).toBe(true);
      expect(train.stderr).toMatch(new RegExp(`cost ${estimate.costUSD.toFixed(2)} USD`));
      expect(train.stderr).toMatch(/emulated on this machine .* nothing is charged/);
    }
    // The budget is checked against the same figure.
    const over = await runQnnlab('train', ...plan, '--backend', 'ionq-aria', '--db', db, '--budget', String(Math.floor(estimate.costUSD - 1)));
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(new RegExp(`the estimated cost ${estimate.costUSD.toFixed(2)} USD exceeds`));
  });

  it('simulate --counts: raw bitstring counts when asked (bounded), the kept outcomes only by default beyond 12 qubits', async () => {
    const args = [
      'simulate',
      '--qubits',
      '16',
      '--layers',
      '2',
      '--seed',
      '1',
      '--input',
      '[1, 2, 3]',
      '--backend',
      'noisy',
      '--p2',
      '0.05',
      '--readout',
      '0.02',
      '--shots',
      '500',
      '--json',
    ];
    const plain = JSON.parse((await runQnnlab(...args)).stdout);
    expect(plain.counts).toBeUndefined();
    const counted = await runQnnlab(...args, '--counts');
    expect(counted.code, counted.stderr).toBe(0);
    const out = JSON.parse(counted.stdout);
    expect(Object.values(out.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(500);
    expect(Object.keys(out.counts).every((k) => k.length === 16)).toBe(true);
    // The counts agree with the kept shots: bitstrings of Hamming weight 1 are the kept ones.
    const kept = Object.entries(out.counts as Record<string, number>).filter(([k]) => k.split('').filter((c) => c === '1').length === 1);
    expect(kept.reduce((a, [, v]) => a + v, 0)).toBe(out.keptShots);
    const local = await runQnnlab('simulate', '--qubits', '4', '--seed', '1', '--input', '[1]', '--shots', '10', '--counts');
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/--counts applies with --backend NAME and --shots K/);
  });
});
