import { beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { BUILTIN_DEVICE_PROFILES, builtinDeviceProfile, deviceNoise } from '../../../core/hardware/device-profile.ts';
import { createQuantumBackend, resolveBackend } from '../../../core/hardware/registry.ts';
import { LabError } from '../../../core/errors.ts';
import type { Database } from '../db/database.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { fakeClock, type FakeClock } from '../../../test-support/files.ts';
import { DeviceProfileService } from './devices.ts';

const lab = useTempDatabase('qnnlab-devices-');
let path: string;
let db: Database;
let clock: FakeClock;
let service: DeviceProfileService;

beforeEach(() => {
  path = lab.path;
  db = lab.db;
  clock = fakeClock('2026-11-24T12:00:00.000Z');
  service = new DeviceProfileService(db, clock.now);
});

const aria = builtinDeviceProfile('ionq-aria')!;
const rowCount = () => (db.prepare('SELECT COUNT(*) AS n FROM device_profiles').get() as { n: number }).n;
const sha = (p: string) => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : null);
const files = () => [sha(path), sha(`${path}-wal`)];

function copyOf(base: object, edit: (p: Record<string, any>) => void): Record<string, any> {
  const p = structuredClone(base) as Record<string, any>;
  edit(p);
  return p;
}

function thrown(f: () => unknown): LabError {
  try {
    f();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('expected an LabError');
}

describe('DeviceProfileService', () => {
  it('lists the built-ins when the database holds no copies', () => {
    const list = service.list();
    expect(list.map((s) => s.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']);
    expect(list[0]).toEqual({
      id: 'ionq-aria',
      name: 'IonQ Aria',
      qubits: 25,
      connectivity: 'all-to-all',
      nativeGates: ['gpi', 'gpi2', 'ms'],
      builtin: true,
      shadowsBuiltin: false,
      source: 'builtin',
      updatedAt: null,
      assumptions: 3,
    });
    const d = service.get('ionq-forte');
    expect(d.profile).toEqual(BUILTIN_DEVICE_PROFILES[1]);
    const { p1, p2, readout } = deviceNoise(BUILTIN_DEVICE_PROFILES[1]);
    expect(d.noise).toEqual({ p1, p2, readout });
    expect(d.assumedFields).toHaveLength(d.assumptions);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('saves a user copy and lists it after the built-ins; a second save replaces it', () => {
    const mine = copyOf(aria, (p) => ((p.id = 'my-aria'), (p.name = 'My Aria'), (p.fidelity.twoQubit.value = 0.99)));
    const saved = service.save({ profile: mine, source: 'imported' });
    expect(saved).toMatchObject({
      id: 'my-aria',
      name: 'My Aria',
      builtin: false,
      shadowsBuiltin: false,
      source: 'imported',
      replaced: false,
      updatedAt: '2026-11-24T12:00:00.000Z',
    });
    expect(service.list().map((s) => s.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise', 'my-aria']);
    expect(service.get('my-aria').profile.fidelity.twoQubit.value).toBe(0.99);
    expect(
      service
        .catalog()
        .list()
        .map((p) => p.id),
    ).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise', 'my-aria']);
    expect(rowCount()).toBe(1);

    clock.advance(60_000);
    const again = service.save({ profile: copyOf(mine, (p) => (p.fidelity.twoQubit.value = 0.98)) });
    expect(again).toMatchObject({ replaced: true, source: 'user', updatedAt: '2026-11-24T12:01:00.000Z' });
    expect(service.get('my-aria').profile.fidelity.twoQubit.value).toBe(0.98);
    expect(rowCount()).toBe(1);
    expect(db.prepare('SELECT created_at, updated_at, builtin FROM device_profiles').get()).toEqual({
      created_at: '2026-11-24T12:00:00.000Z',
      updated_at: '2026-11-24T12:01:00.000Z',
      builtin: 0,
    });
    // A backend built from the stored copy uses its figures.
    const backend = createQuantumBackend(resolveBackend('my-aria', service.catalog()));
    expect(backend.maxQubits).toBe(25);
  });

  it('validates before writing: a bad field is named and neither the table nor the file changes', () => {
    service.save({ profile: copyOf(aria, (p) => (p.id = 'my-device')) });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const row = db.prepare('SELECT * FROM device_profiles').get();
    const before = files();
    const cases: [unknown, RegExp, string][] = [
      [
        copyOf(aria, (p) => ((p.id = 'my-device'), (p.duration.twoQubitSeconds.value = -1))),
        /device profile field "duration\.twoQubitSeconds(\.value)?"/,
        'duration.twoQubitSeconds',
      ],
      [copyOf(aria, (p) => ((p.id = 'other'), (p.fidelity.spam.value = 1.5))), /field "fidelity\.spam(\.value)?"/, 'fidelity.spam'],
      [copyOf(aria, (p) => (p.id = 'Bad Id')), /field "id"/, 'id'],
      [copyOf(aria, (p) => ((p.id = 'x'), delete p.qubits)), /field "qubits"/, 'qubits'],
      [[1, 2], /field "\(root\)"/, '(root)'],
      [null, /field "\(root\)"/, '(root)'],
    ];
    for (const [profile, message, field] of cases) {
      const e = thrown(() => service.save({ profile }));
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toMatch(message);
      // The field is named (core may drop the `.value` of a sourced figure).
      expect(e.field!.replace(/\.value$/, '')).toBe(field);
    }
    expect(rowCount()).toBe(1);
    expect(db.prepare('SELECT * FROM device_profiles').get()).toEqual(row);
    expect(files()).toEqual(before);
  });

  it('a copy with a built-in id shadows it; deleting the copy restores the built-in', () => {
    const edited = copyOf(aria, (p) => ((p.fidelity.twoQubit.value = 0.97), (p.qubits.value = 20), (p.notes = 'our calibration')));
    const saved = service.save({ profile: edited });
    expect(saved).toMatchObject({ id: 'ionq-aria', builtin: false, shadowsBuiltin: true, source: 'user', replaced: false });
    const list = service.list();
    expect(list.map((s) => s.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']);
    expect(list[0]).toMatchObject({ builtin: false, shadowsBuiltin: true, updatedAt: '2026-11-24T12:00:00.000Z' });
    expect(list[1]).toMatchObject({ builtin: true, shadowsBuiltin: false });
    expect(service.get('ionq-aria').profile.fidelity.twoQubit.value).toBe(0.97);
    expect(service.catalog().get('ionq-aria')!.notes).toBe('our calibration');
    // Backends resolve the copy, not the built-in.
    expect(createQuantumBackend(resolveBackend('ionq-aria', service.catalog())).maxQubits).toBe(20);
    expect(createQuantumBackend(resolveBackend('ionq-aria')).maxQubits).toBe(25);
    expect(deviceNoise(service.catalog().get('ionq-aria')!).p2).toBeCloseTo(1 - 0.97 ** 2, 12);

    expect(service.delete('ionq-aria')).toEqual({ id: 'ionq-aria', restoredBuiltin: true });
    expect(rowCount()).toBe(0);
    expect(service.list()[0]).toMatchObject({ id: 'ionq-aria', builtin: true, shadowsBuiltin: false, source: 'builtin' });
    expect(service.get('ionq-aria').profile).toEqual(aria);
  });

  it('refuses to delete a built-in (CONFLICT) and reports unknown ids (NOT_FOUND)', () => {
    service.save({ profile: copyOf(aria, (p) => (p.id = 'mine')) });
    const e = thrown(() => service.delete('ionq-forte'));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/^"ionq-forte" is a built-in profile: built-in profiles cannot be deleted; /);
    expect(rowCount()).toBe(1);
    expect(service.list()).toHaveLength(4);
    for (const f of [() => service.delete('nope'), () => service.get('nope')]) {
      const n = thrown(f);
      expect(n.code).toBe('NOT_FOUND');
      expect(n.message).toBe('Device profile "nope" does not exist; known profiles: ionq-aria, ionq-forte, ionq-forte-enterprise, mine.');
    }
    expect(service.delete('mine')).toEqual({ id: 'mine', restoredBuiltin: false });
    expect(rowCount()).toBe(0);
  });

  it('a stored copy that no longer validates is listed with its problem, never used, and can be deleted', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const insert = db.prepare("INSERT INTO device_profiles (name, profile, source, created_at, updated_at) VALUES (?, ?, 'user', ?, ?)");
    insert.run('broken', '{"id": "broken"', at, at);
    insert.run('ionq-forte', JSON.stringify(copyOf(BUILTIN_DEVICE_PROFILES[1], (p) => (p.qubits.value = 1))), at, at);
    service.save({ profile: copyOf(aria, (p) => (p.id = 'fine')) });
    const list = service.list();
    expect(list.map((s) => [s.id, s.problem !== undefined])).toEqual([
      ['ionq-aria', false],
      ['ionq-forte', true],
      ['ionq-forte-enterprise', false],
      ['broken', true],
      ['fine', false],
    ]);
    expect(list[1]).toMatchObject({ shadowsBuiltin: true, qubits: 0, problem: expect.stringMatching(/field "qubits(\.value)?"/) });
    expect(list[3].problem).toMatch(/JSON/);
    expect(thrown(() => service.get('broken')).message).toMatch(
      /The stored device profile "broken" no longer validates .*delete it or import a corrected copy/,
    );
    // The catalog uses the valid copies, and refuses a broken copy by name rather than fall back to the built-in.
    const catalog = service.catalog();
    expect(catalog.list().map((p) => p.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise', 'fine']);
    expect(catalog.get('fine')?.id).toBe('fine');
    expect(() => catalog.get('ionq-forte')).toThrow(/"ionq-forte" no longer validates/);
    expect(() => resolveBackend('ionq-forte', catalog)).toThrow(/no longer validates/);
    expect(service.delete('broken')).toEqual({ id: 'broken', restoredBuiltin: false });
    expect(service.delete('ionq-forte')).toEqual({ id: 'ionq-forte', restoredBuiltin: true });
    expect(service.list().every((s) => s.problem === undefined)).toBe(true);
  });
});
