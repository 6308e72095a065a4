// Device-profile DTOs: the built-in profiles (resources/devices) and the user's copies kept in the experiment
// database. JSON-safe. A user copy whose id is a built-in's shadows it; deleting the copy brings the built-in back.
import { z } from 'zod';
import type { DeviceProfile } from '../../core/hardware/device-profile.ts';

export type { DeviceProfile } from '../../core/hardware/device-profile.ts';

/** Where a listed profile comes from: bundled with the app, saved in the app, or imported from a file. */
export const DEVICE_PROFILE_SOURCES = ['builtin', 'user', 'imported'] as const;
export type DeviceProfileSource = (typeof DEVICE_PROFILE_SOURCES)[number];

export interface DeviceProfileSummary {
  /** The profile's id: also its backend name (e.g. `ionq-aria`). */
  id: string;
  /** Display name (the profile's `name`). */
  name: string;
  qubits: number;
  /** 'all-to-all' | 'linear' | 'edges'. */
  connectivity: string;
  /** One-qubit natives followed by the two-qubit native, e.g. ['gpi', 'gpi2', 'ms']. */
  nativeGates: string[];
  /** True for a bundled profile that no user copy shadows. */
  builtin: boolean;
  /** True for a user copy whose id is a built-in's: the copy is used instead, until it is deleted. */
  shadowsBuiltin: boolean;
  source: DeviceProfileSource;
  /** ISO 8601 time of the last save of a user copy; null for built-ins. */
  updatedAt: string | null;
  /** How many figures of the profile are assumptions rather than cited public figures. */
  assumptions: number;
  /**
   * Set only for a stored copy that no longer validates (e.g. edited outside QNN Lab): the validation message.
   * Such a row is listed (qubits 0, no gates) so that it can be deleted or replaced, but is never used as a backend.
   */
  problem?: string;
}

export interface DeviceProfileDetail extends DeviceProfileSummary {
  /** The full profile, as stored (and as `devices.save` takes it back). */
  profile: DeviceProfile;
  /** The noise the profile implies (METHOD.md section 7): p1 per X, p2 per RBS, readout flip probability. */
  noise: { p1: number; p2: number; readout: number };
  /** Dotted paths of the figures that are assumptions. */
  assumedFields: string[];
}

export interface SavedDeviceProfile extends DeviceProfileSummary {
  /** True when an earlier user copy with this id was replaced. */
  replaced: boolean;
}

export interface DeletedDeviceProfile {
  id: string;
  /** True when deleting the copy brought back the built-in profile of the same id. */
  restoredBuiltin: boolean;
}

export const deviceProfileId = z.string().trim().min(1).max(200);
export const deviceIdRequest = z.object({ id: deviceProfileId });

export const saveDeviceProfileRequest = z.object({
  /** The profile as parsed JSON: validated by the backend (validateDeviceProfile), which names the wrong field. */
  profile: z.unknown().refine((v) => v !== undefined, { message: 'a device profile is required' }),
  /** 'imported' when it came from a file (the CLI's `devices import`); default 'user'. */
  source: z.enum(['user', 'imported']).optional(),
});
export type SaveDeviceProfileRequest = z.infer<typeof saveDeviceProfileRequest>;
