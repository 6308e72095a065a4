// Device profiles over the experiment database. The built-ins come from resources/devices (core/hardware/device-profile.ts)
// and are never written to the database; the `device_profiles` table holds the user's copies, one row per profile
// id (column `name`), `builtin` always 0. A copy whose id is a built-in's shadows the built-in; deleting the copy
// brings the built-in back. Every save is validated first (validateDeviceProfile names the wrong field) and written in
// one transaction; nothing is written when validation fails. Synchronous: better-sqlite3.
import {
  BUILTIN_DEVICE_PROFILES,
  builtinDeviceProfile,
  deviceAssumptions,
  deviceNoise,
  validateDeviceProfile,
  deviceCatalog,
  type DeviceCatalog,
  type DeviceProfile,
} from '../../../core/hardware/device-profile.ts';
import { SIMULATOR_BACKENDS } from '../../../core/hardware/registry.ts';
import type {
  DeletedDeviceProfile,
  DeviceProfileDetail,
  DeviceProfileSource,
  DeviceProfileSummary,
  SavedDeviceProfile,
  SaveDeviceProfileRequest,
} from '../../contract/devices.ts';
import { LabError } from '../../../core/errors.ts';
import { writeTransaction, type Database } from '../db/database.ts';

interface ProfileRow {
  name: string;
  profile: string;
  source: string;
  created_at: string;
  updated_at: string;
}

/** A stored user copy, parsed: either a valid profile or the reason it is not one. */
type StoredCopy = { row: ProfileRow; profile: DeviceProfile; problem?: undefined } | { row: ProfileRow; profile?: undefined; problem: string };

const ROW_COLUMNS = 'name, profile, source, created_at, updated_at';

export class DeviceProfileService {
  constructor(
    readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Built-ins in their bundled order (each replaced by its user copy, if any), then the other user copies by id. */
  list(): DeviceProfileSummary[] {
    const copies = new Map(this.copies().map((c) => [c.row.name, c]));
    const out: DeviceProfileSummary[] = [];
    for (const b of BUILTIN_DEVICE_PROFILES) {
      const copy = copies.get(b.id);
      out.push(copy ? copySummary(copy) : profileSummary(b, { source: 'builtin', updatedAt: null }));
      copies.delete(b.id);
    }
    for (const copy of copies.values()) out.push(copySummary(copy));
    return out;
  }

  get(id: string): DeviceProfileDetail {
    const copy = this.copy(id);
    if (copy) {
      if (copy.problem !== undefined) throw storedInvalid(id, copy.problem);
      return profileDetail(copy.profile, { source: sourceOf(copy.row), updatedAt: copy.row.updated_at });
    }
    const b = builtinDeviceProfile(id);
    if (!b) throw this.notFound(id);
    return profileDetail(b, { source: 'builtin', updatedAt: null });
  }

  /**
   * The device catalog every path resolves backends through (core's deviceCatalog): the built-ins shadowed by the
   * valid user copies; a stored copy that no longer validates is refused when asked for by id (never silently
   * replaced by a built-in of the same id). `extra` profiles (the CLI's --profile FILE) shadow everything.
   */
  catalog(extra: readonly DeviceProfile[] = []): DeviceCatalog {
    const valid: DeviceProfile[] = [];
    const broken = new Map<string, string>();
    for (const c of this.copies()) {
      if (c.problem !== undefined) broken.set(c.row.name, c.problem);
      else valid.push(c.profile);
    }
    return deviceCatalog([...valid, ...extra], broken);
  }

  /** Validates, then inserts or replaces the user copy with the profile's id, in one transaction. */
  save(request: { profile: unknown; source?: SaveDeviceProfileRequest['source'] }): SavedDeviceProfile {
    const profile = validateDeviceProfile(request.profile); // DeviceProfileValidationError names the field
    if ((SIMULATOR_BACKENDS as readonly string[]).includes(profile.id)) {
      throw new LabError('CONFLICT', `"${profile.id}" is the name of a simulator backend; give the device profile another id`, {
        field: 'id',
        value: profile.id,
      });
    }
    const source = request.source ?? 'user';
    const at = this.now().toISOString();
    const replaced = writeTransaction(this.db, () => {
      const existing = this.db.prepare('SELECT 1 FROM device_profiles WHERE name = ?').get(profile.id) !== undefined;
      this.db
        .prepare(
          `INSERT INTO device_profiles (name, profile, source, builtin, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)
           ON CONFLICT(name) DO UPDATE SET profile = excluded.profile, source = excluded.source, updated_at = excluded.updated_at`,
        )
        .run(profile.id, JSON.stringify(profile), source, at, at);
      return existing;
    });
    const summary = profileSummary(profile, { source, updatedAt: at });
    return { ...summary, replaced };
  }

  /** Deletes a user copy. Built-ins cannot be deleted (CONFLICT); deleting a copy of one restores the built-in. */
  delete(id: string): DeletedDeviceProfile {
    const info = this.db.prepare('DELETE FROM device_profiles WHERE name = ?').run(id);
    const restoredBuiltin = builtinDeviceProfile(id) !== undefined;
    if (info.changes === 0) {
      if (restoredBuiltin) {
        throw new LabError(
          'CONFLICT',
          `"${id}" is a built-in profile: built-in profiles cannot be deleted; to change it, export it, edit the copy and import it (the copy then shadows the built-in).`,
        );
      }
      throw this.notFound(id);
    }
    return { id, restoredBuiltin };
  }

  private copies(): StoredCopy[] {
    const rows = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM device_profiles ORDER BY name`).all() as ProfileRow[];
    return rows.map(parseRow);
  }

  private copy(id: string): StoredCopy | undefined {
    const row = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM device_profiles WHERE name = ?`).get(id) as ProfileRow | undefined;
    return row && parseRow(row);
  }

  private notFound(id: string): LabError {
    return new LabError(
      'NOT_FOUND',
      `Device profile "${id}" does not exist; known profiles: ${this.list()
        .map((s) => s.id)
        .join(', ')}.`,
    );
  }
}

function parseRow(row: ProfileRow): StoredCopy {
  try {
    return { row, profile: validateDeviceProfile(JSON.parse(row.profile)) };
  } catch (e) {
    return { row, problem: (e as Error).message };
  }
}

function sourceOf(row: ProfileRow): DeviceProfileSource {
  return row.source === 'imported' ? 'imported' : 'user';
}

function storedInvalid(id: string, problem: string): LabError {
  return new LabError('VALIDATION', `The stored device profile "${id}" no longer validates (${problem}); delete it or import a corrected copy.`);
}

function copySummary(copy: StoredCopy): DeviceProfileSummary {
  const meta = { source: sourceOf(copy.row), updatedAt: copy.row.updated_at };
  if (copy.problem === undefined) return profileSummary(copy.profile, meta);
  const id = copy.row.name;
  return {
    id,
    name: id,
    qubits: 0,
    connectivity: '',
    nativeGates: [],
    builtin: false,
    shadowsBuiltin: builtinDeviceProfile(id) !== undefined,
    source: meta.source,
    updatedAt: meta.updatedAt,
    assumptions: 0,
    problem: copy.problem,
  };
}

/** The summary of a profile; pure (the CLI also uses it for a `--profile FILE`). */
export function profileSummary(p: DeviceProfile, meta: { source: DeviceProfileSource; updatedAt: string | null }): DeviceProfileSummary {
  const isBuiltin = meta.source === 'builtin';
  return {
    id: p.id,
    name: p.name,
    qubits: p.qubits.value,
    connectivity: p.connectivity.kind,
    nativeGates: [...p.nativeGates.oneQubit, p.nativeGates.twoQubit],
    builtin: isBuiltin,
    shadowsBuiltin: !isBuiltin && builtinDeviceProfile(p.id) !== undefined,
    source: meta.source,
    updatedAt: meta.updatedAt,
    assumptions: deviceAssumptions(p).length,
  };
}

/** The detail of a profile: summary, full profile, implied noise and assumed fields. Pure. */
export function profileDetail(p: DeviceProfile, meta: { source: DeviceProfileSource; updatedAt: string | null }): DeviceProfileDetail {
  const { p1, p2, readout } = deviceNoise(p);
  return { ...profileSummary(p, meta), profile: p, noise: { p1, p2, readout }, assumedFields: deviceAssumptions(p) };
}
