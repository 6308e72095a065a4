import { describe, expect, it } from 'vitest';
import { builtinDeviceProfile } from '../../../../core/hardware/device-profile.ts';
import { checkProfileText, copyOfProfile, profileText } from './profile-edit.ts';

const aria = builtinDeviceProfile('ionq-aria')!;

describe('editing a device profile', () => {
  it('a copy gets a free id and a name of its own, with the same figures', () => {
    const copy = copyOfProfile(aria, ['ionq-aria', 'ionq-aria-copy']);
    expect(copy.id).toBe('ionq-aria-copy-2');
    expect(copy.name).toBe('IonQ Aria (copy)');
    expect(copy.fidelity).toEqual(aria.fidelity);
    expect(copy.fidelity).not.toBe(aria.fidelity);
    expect(checkProfileText(profileText(copy))).toEqual({ profile: copy });
  });

  it('names every field at fault as the host would, and says when the text is not JSON', () => {
    const bad = structuredClone(aria) as unknown as { fidelity: { twoQubit: { value: number } }; qubits: { value: number }; id: string };
    bad.fidelity.twoQubit.value = 1.3;
    bad.qubits.value = 1;
    const checked = checkProfileText(JSON.stringify(bad));
    expect('problems' in checked && checked.problems).toEqual([
      { field: 'qubits', message: 'must be >= 2; got 1' },
      { field: 'fidelity.twoQubit', message: 'must be <= 1; got 1.3' },
    ]);
    bad.qubits.value = 25;
    bad.fidelity.twoQubit.value = 0.99;
    bad.id = 'Aria Copy';
    expect(checkProfileText(JSON.stringify(bad))).toEqual({
      problems: [{ field: 'id', message: 'must be lower-case letters, digits and dashes; got "Aria Copy"' }],
    });
    const notJson = checkProfileText('{"id": ');
    expect('problems' in notJson && notJson.problems[0].field).toBeNull();
    expect('problems' in notJson && notJson.problems[0].message).toMatch(/^The text is not JSON: /);
  });
});
