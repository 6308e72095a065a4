// Editing a device profile on the Settings page: a copy of a profile to start from, and the profile's JSON checked as
// it is typed by the very validator the host saves with (core/hardware/device-profile.ts), every problem named by
// its field. Pure (unit-tested).
import { validateDeviceProfile, type DeviceProfile } from '../../../../core/hardware/device-profile.ts';
import { LabError } from '../../../../core/errors.ts';

export interface ProfileProblem {
  /** The dotted field at fault ('fidelity.twoQubit'), or null for the text as a whole (not JSON). */
  field: string | null;
  message: string;
}

/** A copy to edit: a new id (`<id>-copy`, or `-copy-2`... when taken) and name, the figures unchanged. */
export function copyOfProfile(profile: DeviceProfile, takenIds: readonly string[]): DeviceProfile {
  const taken = new Set(takenIds);
  let id = `${profile.id}-copy`;
  for (let k = 2; taken.has(id); k++) id = `${profile.id}-copy-${k}`;
  return { ...structuredClone(profile), id, name: `${profile.name} (copy)`, editable: true };
}

export const profileText = (profile: DeviceProfile) => `${JSON.stringify(profile, null, 2)}\n`;

/** The profile in the text, or every problem with its field (as devices.save would refuse it). */
export function checkProfileText(text: string): { profile: DeviceProfile } | { problems: ProfileProblem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problems: [{ field: null, message: `The text is not JSON: ${(e as Error).message}` }] };
  }
  try {
    return { profile: validateDeviceProfile(data) };
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    const issues = e.details?.issues as { field: string; message: string }[] | undefined;
    return { problems: issues?.length ? issues.map((i) => ({ field: i.field, message: i.message })) : [{ field: e.field ?? null, message: e.message }] };
  }
}
