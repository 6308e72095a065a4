import { beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { runQnnlab } from '../test-io.ts';
import { builtinDeviceProfile } from '../../../core/hardware/device-profile.ts';
import { useDefaultDatabase, useTempDir } from '../../../test-support/files.ts';

const tmp = useTempDir('qnnlab-devices-cli-');
// Keep the user's own database out of these tests: the default database is a file of the test's folder.
useDefaultDatabase(tmp);
let dir: string;
let db: string;

beforeEach(() => {
  dir = tmp.path;
  db = join(dir, 'lab.db');
});

const sha = (p: string) => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : null);
function rowCount(): number {
  const raw = new BetterSqlite3(db, { readonly: true });
  try {
    return (raw.prepare('SELECT COUNT(*) AS n FROM device_profiles').get() as { n: number }).n;
  } finally {
    raw.close();
  }
}
async function listed(...args: string[]): Promise<{ id: string; builtin: boolean; shadowsBuiltin: boolean; source: string; qubits: number }[]> {
  const r = await runQnnlab('devices', '--json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).devices;
}

describe('qnnlab devices import / list / export / delete', () => {
  it('round trip: export a built-in, edit it, import it, use it as a backend, export it back, delete it', async () => {
    const exported = join(dir, 'aria.json');
    const e = await runQnnlab('devices', 'export', 'ionq-aria', '--out', exported);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(readFileSync(exported, 'utf8'))).toEqual(builtinDeviceProfile('ionq-aria'));
    expect(existsSync(process.env.QNNLAB_DB!)).toBe(false); // reading never creates the default database

    const edited = JSON.parse(readFileSync(exported, 'utf8'));
    edited.id = 'lab-aria';
    edited.name = 'Lab Aria';
    edited.qubits.value = 10;
    edited.pricing.minimumPerCircuitUSD.value = 2;
    const file = join(dir, 'lab-aria.json');
    writeFileSync(file, JSON.stringify(edited, null, 2));

    const imp = await runQnnlab('devices', 'import', file, '--db', db);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/^stored device profile "lab-aria" \(Lab Aria, 10 qubits, 3 assumed figures\)\n$/);
    expect(rowCount()).toBe(1);

    const list = await listed('--db', db);
    expect(list.map((d) => d.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise', 'lab-aria']);
    expect(list[3]).toMatchObject({ builtin: false, shadowsBuiltin: false, source: 'imported', qubits: 10 });
    const text = await runQnnlab('devices', '--db', db);
    expect(text.stdout).toMatch(/lab-aria .* 10 qubits .*user copy \(imported\)/);
    expect(text.stdout).toMatch(/backends: .*ionq-forte-enterprise, lab-aria, ionq:simulator, ionq:qpu.aria-1, .*\n$/);

    // compile / estimate --db resolve the stored copy.
    const c = await runQnnlab('compile', '--qubits', '8', '--layers', '1', '--backend', 'lab-aria', '--db', db);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout).backend).toBe('lab-aria');
    const big = await runQnnlab('compile', '--qubits', '16', '--layers', '1', '--backend', 'lab-aria', '--db', db);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/needs 16 qubits; Lab Aria has 10/);
    const est = await runQnnlab(
      'estimate',
      '--qubits',
      '8',
      '--layers',
      '2',
      '--samples',
      '2',
      '--epochs',
      '1',
      '--shots',
      '10',
      '--backend',
      'lab-aria',
      '--db',
      db,
      '--json',
    );
    expect(est.code, est.stderr).toBe(0);
    expect(JSON.parse(est.stdout).device).toBe(true);
    const unknown = await runQnnlab('compile', '--qubits', '8', '--layers', '1', '--backend', 'lab-aria');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown backend "lab-aria"; known backends: ideal, ideal-shots, noisy, ionq-aria/);

    const back = join(dir, 'back.json');
    expect((await runQnnlab('devices', 'export', 'lab-aria', '--out', back, '--db', db)).code).toBe(0);
    expect(JSON.parse(readFileSync(back, 'utf8'))).toEqual(edited);
    const toStdout = await runQnnlab('devices', 'export', 'lab-aria', '--db', db);
    expect(JSON.parse(toStdout.stdout)).toEqual(edited);

    const del = await runQnnlab('devices', 'delete', 'lab-aria', '--db', db);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe('deleted the user copy "lab-aria"\n');
    expect(rowCount()).toBe(0);
    expect((await listed('--db', db)).map((d) => d.id)).toEqual(['ionq-aria', 'ionq-forte', 'ionq-forte-enterprise']);
    const again = await runQnnlab('devices', 'delete', 'lab-aria', '--db', db);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/Device profile "lab-aria" does not exist/);
  });

  it('a copy with a built-in id shadows it until deleted; built-ins cannot be deleted', async () => {
    const edited = structuredClone(builtinDeviceProfile('ionq-aria')!) as Record<string, any>;
    edited.qubits.value = 12;
    const file = join(dir, 'aria.json');
    writeFileSync(file, JSON.stringify(edited));
    const imp = await runQnnlab('devices', 'import', file, '--db', db, '--json');
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ id: 'ionq-aria', shadowsBuiltin: true, replaced: false, qubits: 12 });
    const second = await runQnnlab('devices', 'import', file, '--db', db);
    expect(second.stdout).toMatch(/it shadows the built-in profile of that id; it replaces the previous user copy/);

    const list = await listed('--db', db);
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({ id: 'ionq-aria', builtin: false, shadowsBuiltin: true, qubits: 12 });
    const args = ['compile', '--qubits', '16', '--layers', '1', '--backend', 'ionq-aria'];
    expect((await runQnnlab(...args, '--db', db)).stderr).toMatch(/needs 16 qubits; IonQ Aria has 12/);
    expect((await runQnnlab(...args)).code).toBe(0); // without the database: the built-in (25 qubits)

    const del = await runQnnlab('devices', 'delete', 'ionq-aria', '--db', db);
    expect(del.stdout).toBe('deleted the user copy "ionq-aria"; the built-in profile of that id is used again\n');
    expect((await runQnnlab(...args, '--db', db)).code).toBe(0);
    const builtin = await runQnnlab('devices', 'delete', 'ionq-aria', '--db', db);
    expect(builtin.code).toBe(2);
    expect(builtin.stderr).toMatch(/"ionq-aria" is a built-in profile: built-in profiles cannot be deleted; to change it, export it/);
    expect((await listed('--db', db))[0]).toMatchObject({ id: 'ionq-aria', builtin: true });
  });

  it('refuses a bad profile file naming the field, exit 2, nothing written', async () => {
    const good = structuredClone(builtinDeviceProfile('ionq-forte')!) as Record<string, any>;
    good.id = 'mine';
    const goodFile = join(dir, 'good.json');
    writeFileSync(goodFile, JSON.stringify(good));
    expect((await runQnnlab('devices', 'import', goodFile, '--db', db)).code).toBe(0);
    // Checkpoint so the database is all in the main file, then compare it byte for byte.
    const raw = new BetterSqlite3(db);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = sha(db);

    const bad = structuredClone(good);
    bad.duration.twoQubitSeconds.value = -1;
    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify(bad));
    const r = await runQnnlab('devices', 'import', badFile, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qnnlab: .*bad\.json: device profile field "duration\.twoQubitSeconds(\.value)?".*; nothing was stored\n$/);

    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"id": "x",');
    const j = await runQnnlab('devices', 'import', notJson, '--db', db);
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/broken\.json: device profile is not valid JSON/);
    const missing = await runQnnlab('devices', 'import', join(dir, 'nope.json'), '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json/);

    expect(rowCount()).toBe(1);
    // The main file is byte-identical and the write-ahead log holds nothing (absent, or empty after a reader).
    expect(sha(db)).toBe(before);
    expect(existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`).length : 0).toBe(0);
    const exported = await runQnnlab('devices', 'export', 'mine', '--db', db);
    expect(JSON.parse(exported.stdout)).toEqual(good);
  });

  it('--profile FILE still works, and shadows the database copy of the same id', async () => {
    const stored = structuredClone(builtinDeviceProfile('ionq-aria')!) as Record<string, any>;
    stored.id = 'mine';
    stored.qubits.value = 6;
    const file = join(dir, 'stored.json');
    writeFileSync(file, JSON.stringify(stored));
    expect((await runQnnlab('devices', 'import', file, '--db', db)).code).toBe(0);
    const fromFile = structuredClone(stored);
    fromFile.qubits.value = 16;
    const other = join(dir, 'file.json');
    writeFileSync(other, JSON.stringify(fromFile));
    const args = ['compile', '--qubits', '8', '--layers', '1', '--backend', 'mine', '--db', db];
    expect((await runQnnlab(...args)).code).toBe(2);
    expect((await runQnnlab(...args, '--profile', other)).code).toBe(0);
    const list = await listed('--db', db, '--profile', other);
    expect(list.map((d) => [d.id, d.qubits])).toEqual([
      ['ionq-aria', 25],
      ['ionq-forte', 36],
      ['ionq-forte-enterprise', 36],
      ['mine', 16],
    ]);
  });
});

describe('qnnlab simulate --backend with a user profile', () => {
  it('uses the database copy: a worse two-qubit fidelity keeps fewer shots', async () => {
    const file = join(dir, 'worse.json');
    const profile = structuredClone(builtinDeviceProfile('ionq-aria')!) as unknown as { id: string; name: string; fidelity: { twoQubit: { value: number } } };
    profile.id = 'worse-aria';
    profile.name = 'Aria with 90% two-qubit fidelity';
    profile.fidelity.twoQubit.value = 0.9;
    writeFileSync(file, JSON.stringify(profile));
    const imported = await runQnnlab('devices', 'import', file, '--db', db);
    expect(imported.code, imported.stderr).toBe(0);
    const args = ['simulate', '--qubits', '4', '--layers', '2', '--seed', '1', '--input', '[1,2,3,4]', '--shots', '4000', '--json'];
    const worse = await runQnnlab(...args, '--backend', 'worse-aria', '--db', db);
    expect(worse.code, worse.stderr).toBe(0);
    const builtin = await runQnnlab(...args, '--backend', 'ionq-aria', '--db', db);
    expect(JSON.parse(worse.stdout).keptFraction).toBeLessThan(JSON.parse(builtin.stdout).keptFraction - 0.2);
    const unknown = await runQnnlab(...args, '--backend', 'worse-aria');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/worse-aria.*ionq-aria/s);
  });
});
