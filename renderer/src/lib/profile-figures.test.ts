import { describe, expect, it } from 'vitest';
import { builtinDeviceProfile, deviceAssumptions } from '../../../core/hardware/device-profile.ts';
import { pricingSummary, profileFigures } from './profile-figures.ts';

describe('profileFigures', () => {
  const aria = builtinDeviceProfile('ionq-aria')!;
  const rows = profileFigures(aria);

  it('lists every sourced figure with its value, source and date', () => {
    const byPath = new Map(rows.map((r) => [r.path, r]));
    expect(byPath.get('qubits')).toMatchObject({ label: 'Qubits', value: '25', date: '2026-11-24' });
    expect(byPath.get('fidelity.twoQubit')).toMatchObject({ label: '2-qubit gate fidelity', value: '99.6%', assumption: false });
    expect(byPath.get('fidelity.twoQubit')!.source).toMatch(/Azure Quantum IonQ provider page/);
    expect(byPath.get('duration.oneQubitSeconds')!.value).toBe('135 µs');
    expect(byPath.get('pricing.twoQubitGateShotUSD')!.value).toBe('$0.00098');
    expect(byPath.get('nativeGates')!.value).toBe('gpi, gpi2, ms (angles in turns)');
    expect(byPath.get('connectivity')!.value).toBe('all-to-all');
    for (const r of rows) expect(r.source.length).toBeGreaterThan(0);
  });

  it('marks exactly the assumed figures', () => {
    expect(
      rows
        .filter((r) => r.assumption)
        .map((r) => r.path)
        .sort(),
    ).toEqual(deviceAssumptions(aria).sort());
    expect(rows.find((r) => r.path === 'shotRateHz')).toMatchObject({ assumption: true, value: '100 shots/s' });
  });

  it('summarises the pricing', () => {
    expect(pricingSummary(aria)).toBe('$0.00022 1q · $0.00098 2q per gate-shot · min $1.00/circuit');
  });
});
