import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, type Handlers } from '../../contract/channels.ts';
import { MAX_IMPORT_BYTES, type DatasetDetail, type DatasetSummary, type ExportedCsv } from '../../contract/datasets.ts';
import type { Result } from '../../contract/errors.ts';
import type { DeviceProfileDetail, DeviceProfileSummary, SavedDeviceProfile } from '../../contract/devices.ts';
import { builtinDeviceProfile } from '../../../core/hardware/device-profile.ts';
import type { Database } from '../db/database.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { pbcText } from '../../../test-support/files.ts';
import { SCHEMA_VERSION } from '../db/migrations.ts';
import { EventBus } from '../events.ts';
import { dispatch } from '../rpc.ts';
import { createHandlers } from './index.ts';
import { DatasetService } from '../services/datasets.ts';
import { DeviceProfileService } from '../services/devices.ts';
import { RunService } from '../services/runs.ts';

const pbc = pbcText();
const lab = useTempDatabase('qnnlab-handlers-');
let db: Database;
let handlers: Handlers;
let events: { event: string; payload: unknown }[];

beforeEach(() => {
  const databasePath = lab.path;
  db = lab.db;
  const bus = new EventBus();
  events = [];
  bus.subscribe((event, payload) => events.push({ event, payload }));
  handlers = createHandlers({
    db,
    databasePath,
    transport: 'http',
    version: '0.1.0-test',
    datasets: new DatasetService(db),
    devices: new DeviceProfileService(db),
    runs: new RunService(db, '0.1.0-test'),
    events: bus,
  });
});

async function ok<T>(channel: string, request: unknown): Promise<T> {
  const r = await dispatch(handlers, channel, request);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
async function fail(channel: string, request: unknown): Promise<Extract<Result<unknown>, { ok: false }>['error']> {
  const r = await dispatch(handlers, channel, request);
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return r.error;
}

describe('handlers', () => {
  it('cover every channel', () => {
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('app.info', async () => {
    expect(await ok('app.info', {})).toEqual({
      version: '0.1.0-test',
      schemaVersion: SCHEMA_VERSION,
      databasePath: lab.path,
      transport: 'http',
      maxImportBytes: MAX_IMPORT_BYTES,
    });
  });

  it('import, list, get, rename, export, delete', async () => {
    const s = await ok<DatasetSummary>('datasets.import', { fileName: 'pbc.csv', content: pbc, outcome: 'death' });
    expect(s).toMatchObject({ name: 'pbc', rows: 418, columns: 20, missingCells: 1033, source: 'pbc.csv' });
    expect(await ok('datasets.list', {})).toEqual([s]);
    expect(await ok('datasets.list', undefined)).toEqual([s]);
    const detail = await ok<DatasetDetail>('datasets.get', { id: s.id });
    expect(detail.columnProfiles.map((c) => c.type).filter((t) => t === 'binary')).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(detail))).toEqual(detail); // JSON-safe
    expect(await ok('datasets.rename', { id: s.id, name: 'PBC trial' })).toEqual({ ...s, name: 'PBC trial' });
    const csv = await ok<ExportedCsv>('datasets.exportCsv', { id: s.id });
    expect(csv.fileName).toBe('PBC trial.csv');
    expect(csv.content.split('\n')).toHaveLength(420);
    expect(await ok('datasets.delete', { id: s.id })).toEqual({ id: s.id });
    expect(await ok('datasets.list', {})).toEqual([]);
    expect(events.map((e) => e.payload)).toEqual([{ reason: 'import' }, { reason: 'rename' }, { reason: 'delete' }]);
  });

  it('malformed requests are VALIDATION errors', async () => {
    const cases: [string, unknown][] = [
      ['datasets.get', { id: 'abc' }],
      ['datasets.get', { id: -1 }],
      ['datasets.get', {}],
      ['datasets.rename', { id: 1, name: '   ' }],
      ['datasets.import', { fileName: 'x.csv' }],
      ['datasets.import', { fileName: '', content: 'a\n1\n' }],
      ['datasets.import', { fileName: 'x.csv', content: 'a\n1\n', missingTokens: 'NA' }],
      ['datasets.delete', { id: 1.5 }],
      ['datasets.exportCsv', null],
    ];
    for (const [channel, request] of cases) {
      const e = await fail(channel, request);
      expect(e.code, `${channel} ${JSON.stringify(request)}`).toBe('VALIDATION');
    }
    expect((await fail('datasets.nope', {})).code).toBe('UNKNOWN_CHANNEL');
  });

  it('unknown ids are NOT_FOUND', async () => {
    for (const [channel, request] of [
      ['datasets.get', { id: 7 }],
      ['datasets.rename', { id: 7, name: 'x' }],
      ['datasets.delete', { id: 7 }],
      ['datasets.exportCsv', { id: 7 }],
    ] as const) {
      expect(await fail(channel, request)).toEqual({ code: 'NOT_FOUND', message: 'Dataset 7 does not exist.', details: undefined });
    }
  });

  it('a rename to a taken name is a CONFLICT', async () => {
    await ok('datasets.import', { fileName: 'a.csv', content: 'x,y\n1,2\n' });
    const b = await ok<DatasetSummary>('datasets.import', { fileName: 'b.csv', content: 'x,y\n1,2\n' });
    expect((await fail('datasets.rename', { id: b.id, name: 'a' })).code).toBe('CONFLICT');
  });

  describe('bad files are refused with what and where, and nothing is written', () => {
    const bad: [string, string, string, RegExp, number | undefined][] = [
      ['ragged (too few)', 'CSV_INVALID', 'a,b,c\n1,2,3\n4,5\n', /line 3 has 2 fields but the header \(line 1\) has 3: too few/, 3],
      ['ragged (too many)', 'CSV_INVALID', 'a,b\n1,2\n3,4\n5,6,7\n', /line 4 has 3 fields .*has 2: too many/, 4],
      ['empty', 'CSV_INVALID', '', /The file is empty/, undefined],
      ['binary', 'CSV_INVALID', 'PK\u0003\u0004\u0000\u0000\u0008\u0000', /NUL bytes .*binary file/, 1],
      ['duplicate names', 'CSV_INVALID', 'age,sex,age\n1,f,2\n', /Duplicate column names on line 1: "age" \(columns 1 and 3\)/, 1],
      ['header only', 'CSV_INVALID', 'a,b,c\n', /header \(line 1\) but no data rows/, 1],
      ['unterminated quote', 'CSV_INVALID', 'a,b\n1,"2\n3,4\n', /never closed on line 2/, 2],
    ];
    it.each(bad)('%s', async (_label, code, content, message, line) => {
      await ok('datasets.import', { fileName: 'good.csv', content: pbc });
      const before = await ok('datasets.list', {});
      const e = await fail('datasets.import', { fileName: 'bad.csv', content });
      expect(e.code).toBe(code);
      expect(e.message).toMatch(/^Cannot import "bad.csv": /);
      expect(e.message).toMatch(message);
      expect(e.details).toEqual(line === undefined ? { fileName: 'bad.csv' } : { fileName: 'bad.csv', line });
      expect(await ok('datasets.list', {})).toEqual(before);
      expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get()).toEqual({ n: 20 });
    });

    it('a file over MAX_IMPORT_BYTES is TOO_LARGE', async () => {
      const before = await ok('datasets.list', {});
      const e = await fail('datasets.import', { fileName: 'huge.csv', content: 'x'.repeat(MAX_IMPORT_BYTES + 1) });
      expect(e.code).toBe('TOO_LARGE');
      expect(e.message).toMatch(/too large: 256\.0 MB, more than the 256\.0 MB QNN Lab imports/);
      expect(await ok('datasets.list', {})).toEqual(before);
    });

    it('an entirely missing column is imported with a warning naming it', async () => {
      const s = await ok<DatasetSummary>('datasets.import', { fileName: 'w.csv', content: 'a,lab,c\n1,,x\n2,NA,y\n' });
      expect(s.warnings).toEqual(['Column "lab" is entirely missing (every cell is empty or a missing token); it is kept but ignored.']);
      expect((await ok<DatasetDetail>('datasets.get', { id: s.id })).warnings).toEqual(s.warnings);
    });
  });

  describe('devices', () => {
    const aria = builtinDeviceProfile('ionq-aria')!;
    const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM device_profiles').get() as { n: number }).n;

    it('list, save, get, shadow, delete (restoring the built-in), with change events', async () => {
      const builtins = await ok<DeviceProfileSummary[]>('devices.list', {});
      expect(builtins.map((s) => [s.id, s.builtin])).toEqual([
        ['ionq-aria', true],
        ['ionq-forte', true],
        ['ionq-forte-enterprise', true],
      ]);
      expect(await ok('devices.list', undefined)).toEqual(builtins);
      const copy = { ...structuredClone(aria), qubits: { ...aria.qubits, value: 12 } };
      const saved = await ok<SavedDeviceProfile>('devices.save', { profile: copy });
      expect(saved).toMatchObject({ id: 'ionq-aria', qubits: 12, builtin: false, shadowsBuiltin: true, source: 'user', replaced: false });
      const listed = await ok<DeviceProfileSummary[]>('devices.list', {});
      expect(listed).toHaveLength(3);
      expect(listed[0]).toMatchObject({ id: 'ionq-aria', qubits: 12, shadowsBuiltin: true });
      const detail = await ok<DeviceProfileDetail>('devices.get', { id: 'ionq-aria' });
      expect(detail.profile).toEqual(copy);
      expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
      expect(await ok('devices.delete', { id: 'ionq-aria' })).toEqual({ id: 'ionq-aria', restoredBuiltin: true });
      expect(await ok('devices.list', {})).toEqual(builtins);
      expect(events).toEqual([
        { event: 'devices.changed', payload: { reason: 'save', id: 'ionq-aria' } },
        { event: 'devices.changed', payload: { reason: 'delete', id: 'ionq-aria' } },
      ]);
    });

    it('malformed requests are VALIDATION errors and write nothing', async () => {
      const cases: [string, unknown][] = [
        ['devices.get', {}],
        ['devices.get', { id: 7 }],
        ['devices.get', { id: '   ' }],
        ['devices.delete', { id: '' }],
        ['devices.delete', null],
        ['devices.save', {}],
        ['devices.save', { profile: aria, source: 'builtin' }],
        ['devices.save', { profile: 'not a profile' }],
        ['devices.save', { profile: { ...aria, id: 'mine', fidelity: { ...aria.fidelity, twoQubit: { ...aria.fidelity.twoQubit, value: 2 } } } }],
      ];
      for (const [channel, request] of cases) {
        const e = await fail(channel, request);
        expect(e.code, `${channel} ${JSON.stringify(request)}`).toBe('VALIDATION');
      }
      const bad = await fail('devices.save', { profile: { ...aria, id: 'mine', shotRateHz: { ...aria.shotRateHz, value: 0 } } });
      expect(bad.message).toMatch(/^device profile field "shotRateHz(\.value)?"/);
      expect(bad.field).toMatch(/^shotRateHz(\.value)?$/);
      expect(rows()).toBe(0);
      expect(events).toEqual([]);
    });

    it('built-ins cannot be deleted (CONFLICT); unknown ids are NOT_FOUND', async () => {
      const e = await fail('devices.delete', { id: 'ionq-aria' });
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toMatch(/built-in profiles cannot be deleted; to change it, export it, edit the copy and import it/);
      expect((await fail('devices.get', { id: 'nope' })).code).toBe('NOT_FOUND');
      expect((await fail('devices.delete', { id: 'nope' })).code).toBe('NOT_FOUND');
    });
  });
});
