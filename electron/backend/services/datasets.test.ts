import { beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Papa from 'papaparse';
import { parseCsv, profileDataset, type Dataset } from '../../../core/data/index.ts';
import { LabError } from '../../../core/errors.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/database.ts';
import { mountTmpfs } from '../../../test-support/mounts.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { pbcText } from '../../../test-support/files.ts';
import { DatasetService, ensureBundledSamples } from './datasets.ts';
import { getSetting } from './settings.ts';

const samplesDir = new URL('../../../resources/samples/', import.meta.url).pathname;
const pbc = pbcText();
const lab = useTempDatabase('qnnlab-datasets-');
let dir: string;
let db: Database;
let service: DatasetService;

beforeEach(() => {
  dir = lab.dir;
  db = lab.db;
  service = new DatasetService(db, () => new Date('2026-01-02T03:04:05.000Z'));
});

function appError(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('expected an LabError');
}

describe('DatasetService', () => {
  it('imports pbc.csv: 418 rows, 20 columns, 1033 missing cells, stored self-contained', () => {
    const s = service.importCsv({ fileName: 'pbc.csv', content: pbc });
    expect(s).toEqual({
      id: 1,
      name: 'pbc',
      rows: 418,
      columns: 20,
      missingCells: 1033,
      source: 'pbc.csv',
      createdAt: '2026-01-02T03:04:05.000Z',
      warnings: [],
    });
    const detail = service.get(s.id);
    expect(detail.columnProfiles).toHaveLength(20);
    expect(detail.columnProfiles.find((c) => c.name === 'sex')!.type).toBe('categorical');
    expect(detail.columnProfiles.find((c) => c.name === 'death')).toMatchObject({ type: 'binary', role: 'outcome' });
    expect(detail.delimiter).toBe(',');
    expect(detail.missingTokens).toEqual(['NA', 'NaN', '?']);
    expect(detail.patterns[0]).toEqual({ columns: [], count: 276 });
    // The true number of distinct missingness patterns, counted from the file itself.
    const raw = Papa.parse<string[]>(pbc.trim()).data.slice(1);
    expect(detail.patternCount).toBe(new Set(raw.map((r) => r.map((c, j) => (c === '' || c === 'NA' ? j : '')).join(','))).size);
    // The typed cells come back bit for bit.
    const direct = parseCsv(pbc);
    const loaded = service.load(s.id);
    expect(loaded.columns.map((c) => [c.name, c.type, c.role, c.categories])).toEqual(direct.columns.map((c) => [c.name, c.type, c.role, c.categories]));
    loaded.columns.forEach((c, j) => expect(Array.from(c.values)).toEqual(Array.from(direct.columns[j].values)));
  });

  it('recomputes a dropped profile cache', () => {
    const s = service.importCsv({ fileName: 'pbc.csv', content: pbc });
    const before = service.get(s.id);
    db.prepare('UPDATE datasets SET profile = NULL').run();
    expect(service.get(s.id)).toEqual(before);
  });

  it('loads a profile cached before patternCount existed: recomputed, and cached again', () => {
    const s = service.importCsv({ fileName: 'pbc.csv', content: pbc });
    const before = service.get(s.id);
    const old = JSON.parse((db.prepare('SELECT profile FROM datasets WHERE id = ?').get(s.id) as { profile: string }).profile);
    delete old.patternCount;
    db.prepare('UPDATE datasets SET profile = ? WHERE id = ?').run(JSON.stringify(old), s.id);
    expect(service.get(s.id)).toEqual(before);
    const cached = JSON.parse((db.prepare('SELECT profile FROM datasets WHERE id = ?').get(s.id) as { profile: string }).profile);
    expect(cached.patternCount).toBe(before.patternCount);
  });

  it('gives a new id after the newest dataset is deleted (ids are never reused)', () => {
    service.importCsv({ fileName: 'a.csv', content: 'x,y\n1,2\n' });
    const newest = service.importCsv({ fileName: 'b.csv', content: 'x,y\n1,2\n' });
    service.delete(newest.id);
    const again = service.importCsv({ fileName: 'b.csv', content: 'x,y\n1,2\n' });
    expect(again.id).toBe(newest.id + 1);
  });

  it('suffixes duplicate names on import, refuses a rename to a taken name', () => {
    const a = service.importCsv({ fileName: 'pbc.csv', content: pbc });
    const b = service.importCsv({ fileName: 'pbc.csv', content: pbc });
    const c = service.importCsv({ fileName: 'other.csv', content: pbc, name: 'pbc' });
    expect([a.name, b.name, c.name]).toEqual(['pbc', 'pbc (2)', 'pbc (3)']);
    const e = appError(() => service.rename(b.id, 'pbc'));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('A dataset named "pbc" already exists (dataset 1).');
    expect(service.rename(b.id, '  renamed  ').name).toBe('renamed');
    expect(service.rename(b.id, 'renamed').name).toBe('renamed');
  });

  it('exports CSV that re-imports to the same values', () => {
    const s = service.importCsv({ fileName: 'pbc.csv', content: pbc, name: 'my/pbc: v1' });
    const out = service.exportCsv(s.id);
    expect(out.fileName).toBe('my_pbc_ v1.csv');
    const again = service.importCsv({ fileName: out.fileName, content: out.content });
    const [x, y] = [service.load(s.id), service.load(again.id)];
    x.columns.forEach((c, j) => expect(Array.from(y.columns[j].values)).toEqual(Array.from(c.values)));
    expect(y.columns[4].categories).toEqual(['f', 'm']);
  });

  it('exports formula-like text cells neutralised, and as they are with raw', () => {
    const s = service.importCsv({ fileName: 'evil.csv', content: 'n,"=1+1"\n-3,"=cmd|\' /C calc\'!A0"\n4,@x\n5,ok\n' });
    expect(service.exportCsv(s.id).content).toBe(`n,"'=1+1"\n-3,"'=cmd|' /C calc'!A0"\n4,"'@x"\n5,ok\n`);
    expect(service.exportCsv(s.id, { raw: true }).content).toBe(`n,=1+1\n-3,=cmd|' /C calc'!A0\n4,@x\n5,ok\n`);
  });

  it('warns about a detected encoding, naming it; refuses an unknown encoding name', () => {
    const text = 'name,x\nFrançois,1\nZoë,2\n';
    const detected = service.importCsv({ fileName: 'latin.csv', content: text, encoding: 'windows-1252', encodingDetected: true });
    expect(detected.warnings).toEqual([
      'The file is not UTF-8 text; it was read as windows-1252 (detected). If names or categories look wrong, import it again choosing its encoding, or save it as UTF-8.',
    ]);
    expect(service.importCsv({ fileName: 'latin.csv', content: text, encoding: 'latin1' }).warnings).toEqual([]);
    const before = service.list();
    const e = appError(() => service.importCsv({ fileName: 'latin.csv', content: text, encoding: 'latin-9000' }));
    expect(e.code).toBe('VALIDATION');
    expect(e.field).toBe('encoding');
    expect(e.message).toMatch(/^Cannot import "latin\.csv": Unknown encoding "latin-9000"/);
    expect(service.list()).toEqual(before);
  });

  it('refuses a missing-value token that would blank the outcome, writing nothing, unless confirmed', () => {
    const e = appError(() => service.importCsv({ fileName: 'pbc.csv', content: pbc, missingTokens: ['0'] }));
    expect(e.code).toBe('CONFLICT');
    expect(e.field).toBe('missingTokens');
    expect(e.message).toMatch(/^Cannot import "pbc\.csv": The missing-value token "0" would blank 257 of 418 cells of the outcome column "death"/);
    expect(e.details).toMatchObject({ fileName: 'pbc.csv', rows: 418 });
    expect(service.list()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get()).toEqual({ n: 0 });
    const s = service.importCsv({ fileName: 'pbc.csv', content: pbc, missingTokens: ['0'], confirmMissingTokens: true });
    expect(service.get(s.id).columnProfiles.find((c) => c.name === 'death')!.missing).toBe(257);
  });

  it('a cancellable import reports its phases and stops within moments of its signal, writing nothing', async () => {
    await expect(service.importCsvCancellable({ fileName: 'pbc.csv', content: pbc }, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    // Aborted mid-parse of a larger file (from its progress: the parse pauses every few milliseconds).
    const big = ['x,y,z', ...Array.from({ length: 200_000 }, (_, i) => `${i % 97},${i % 13}.5,g${i % 4}`)].join('\n');
    const controller = new AbortController();
    const phases: string[] = [];
    const parse = service.importCsvCancellable(
      { fileName: 'big.csv', content: big },
      { signal: controller.signal, onProgress: (phase) => (phases.push(phase), controller.abort()) },
    );
    await expect(parse).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(phases).toEqual(['parsing']);
    expect(service.list()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get()).toEqual({ n: 0 });
    // Not aborted: the same import as importCsv, through both phases.
    const seen = new Set<string>();
    const s = await service.importCsvCancellable({ fileName: 'big.csv', content: big }, { onProgress: (phase) => seen.add(phase) });
    expect(s).toMatchObject({ name: 'big', rows: 200_000, columns: 3 });
    expect([...seen]).toEqual(['parsing', 'profiling']);
  });

  it('reports unknown ids as NOT_FOUND', () => {
    for (const fn of [() => service.get(7), () => service.rename(7, 'x'), () => service.delete(7), () => service.exportCsv(7), () => service.load(7)]) {
      const e = appError(fn);
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toBe('Dataset 7 does not exist.');
    }
  });

  it('deletes a dataset with its columns', () => {
    const s = service.importCsv({ fileName: 'pbc.csv', content: pbc });
    expect(service.delete(s.id)).toEqual({ id: s.id });
    expect(service.list()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get()).toEqual({ n: 0 });
  });

  it('writes nothing when an insert fails half-way', () => {
    service.importCsv({ fileName: 'pbc.csv', content: pbc });
    const before = service.list();
    const bad = parseCsv('a,b\n1,2\n3,4\n');
    bad.columns[1].values = new Float64Array(1); // wrong length: fails after the dataset row was inserted
    expect(() => service.insertDataset(bad, { name: 'bad', source: 'test' })).toThrow(/column "b" has 1 values for 2 rows/);
    expect(service.list()).toEqual(before);
    expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get()).toEqual({ n: 20 });
  });

  it('maps import errors to CSV_INVALID with the line, and TOO_LARGE', () => {
    const e = appError(() => service.importCsv({ fileName: 'ragged.csv', content: 'a,b,c\n1,2,3\n4,5\n' }));
    expect(e.code).toBe('CSV_INVALID');
    expect(e.message).toMatch(/^Cannot import "ragged.csv": The row on line 3 has 2 fields/);
    expect(e.details).toEqual({ fileName: 'ragged.csv', line: 3 });
    // The host's own limit (web host --max-import-mb) is enforced here too, not only by the HTTP body limit.
    const small = new DatasetService(db, undefined, 64);
    const before = service.list();
    const big = appError(() => small.importCsv({ fileName: 'big.csv', content: 'a,b\n' + '1,2\n'.repeat(40) }));
    expect(big.code).toBe('TOO_LARGE');
    expect(big.message).toMatch(/big\.csv/);
    expect(service.list()).toEqual(before);
  });
});

describe('ensureBundledSamples', () => {
  it('imports pbc once, and never again once deleted', () => {
    expect(ensureBundledSamples(service, samplesDir)).toEqual(['pbc (sample)']);
    const [s] = service.list();
    expect(s).toMatchObject({ name: 'pbc (sample)', source: 'bundled sample', rows: 418, columns: 20, missingCells: 1033 });
    expect(service.get(s.id).columnProfiles.find((c) => c.name === 'death')!.role).toBe('outcome');
    expect(getSetting(db, 'samples.imported')).toEqual(['pbc']);
    expect(ensureBundledSamples(service, samplesDir)).toEqual([]);
    expect(service.list()).toHaveLength(1);
    service.delete(s.id);
    expect(ensureBundledSamples(service, samplesDir)).toEqual([]);
    expect(service.list()).toEqual([]);
  });

  it('skips a missing samples folder', () => {
    expect(ensureBundledSamples(service, join(dir, 'nowhere'))).toEqual([]);
    expect(service.list()).toEqual([]);
  });
});

/** A dataset of `rows` rows: a numeric column with gaps, a categorical one, a binary one. */
function synthetic(rows: number): Dataset {
  const text = ['x,group,flag', ...Array.from({ length: rows }, (_, i) => `${i % 7 === 0 ? 'NA' : (i * 0.25).toFixed(2)},g${i % 5},${i % 2}`)].join('\n');
  return parseCsv(text);
}

const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('DatasetService.writeInSlices (large imports: short transactions, hidden until whole)', () => {
  it('stores what insertDataset stores, in many small transactions, cells bit for bit', async () => {
    const d = parseCsv(pbc, { outcome: 'death' });
    const seen: number[] = [];
    // 418 rows of 8 bytes per column: with 1,000-byte slices every column takes several chunks and transactions.
    const s = await service.writeInSlices(d, { name: 'pbc', source: 'pbc.csv' }, profileDataset(d), { sliceBytes: 1000, onProgress: (f) => seen.push(f) });
    expect(s).toMatchObject({ name: 'pbc', rows: 418, columns: 20, missingCells: 1033, source: 'pbc.csv' });
    expect(count('dataset_cell_chunks')).toBe(20 * Math.ceil(418 / 125));
    expect(seen.length).toBeGreaterThan(20);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen.at(-1)).toBe(1);
    const whole = service.insertDataset(d, { name: 'pbc whole', source: 'pbc.csv' });
    expect(service.load(s.id)).toEqual(service.load(whole.id));
    expect(service.load(s.id)).toEqual(d);
    const { id: _a, name: _b, ...detail } = service.get(s.id);
    const { id: _c, name: _d, ...wholeDetail } = service.get(whole.id);
    expect(detail).toEqual(wholeDetail);
    // Its export and deletion work as for any dataset.
    expect(service.exportCsv(s.id).content).toBe(service.exportCsv(whole.id).content);
    service.delete(s.id);
    expect(count('dataset_cell_chunks')).toBe(0);
  });

  it('is never seen before its last transaction: not listed, not found, its name not taken', async () => {
    service.importCsv({ fileName: 'pbc.csv', content: pbc, name: 'pbc' });
    const d = synthetic(3000);
    const checks: string[] = [];
    const written = service.writeInSlices(d, { name: 'pbc', source: 'big.csv' }, profileDataset(d), {
      sliceBytes: 4000,
      onProgress: () => {
        if (checks.length > 0) return;
        const hidden = (db.prepare('SELECT id FROM datasets WHERE pending_pid IS NOT NULL').get() as { id: number }).id;
        expect(service.list().map((x) => x.name)).toEqual(['pbc']);
        for (const fn of [
          () => service.get(hidden),
          () => service.summary(hidden),
          () => service.load(hidden),
          () => service.delete(hidden),
          () => service.rename(hidden, 'x'),
        ]) {
          expect(appError(fn).code).toBe('NOT_FOUND');
        }
        // Meanwhile another dataset may take any name: the pending one is named only at its end.
        service.rename(1, 'pbc (2)');
        checks.push('checked while pending');
      },
    });
    const s = await written;
    expect(checks).toEqual(['checked while pending']);
    expect(s.name).toBe('pbc');
    expect(
      service
        .list()
        .map((x) => x.name)
        .sort(),
    ).toEqual(['pbc', 'pbc (2)']);
    const again = await service.writeInSlices(d, { name: 'pbc', source: 'big.csv' }, profileDataset(d));
    expect(again.name).toBe('pbc (3)');
  });

  it('cancelled between slices: CANCELLED, and nothing of it stays', async () => {
    const d = synthetic(5000);
    const controller = new AbortController();
    let slices = 0;
    const written = service.writeInSlices(d, { name: 'big', source: 'big.csv' }, profileDataset(d), {
      sliceBytes: 4000,
      signal: controller.signal,
      onProgress: () => ++slices === 3 && controller.abort(),
    });
    await expect(written).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(slices).toBe(3);
    expect([count('datasets'), count('dataset_columns'), count('dataset_cell_chunks')]).toEqual([0, 0, 0]);
  });

  it('finds a column whose chunks do not cover its rows damaged (DATABASE), never short', async () => {
    const d = synthetic(1000);
    const s = await service.writeInSlices(d, { name: 'd', source: 'd.csv' }, profileDataset(d), { sliceBytes: 2000 });
    db.prepare('DELETE FROM dataset_cell_chunks WHERE rowid = (SELECT MAX(rowid) FROM dataset_cell_chunks)').run();
    expect(appError(() => service.load(s.id))).toMatchObject({
      code: 'DATABASE',
      message: expect.stringMatching(/Dataset \d+ is damaged: the cells of its column "flag"/),
    });
  });

  it('removes pending datasets whose process is gone or that are a day old at a host start, not a live one', async () => {
    const d = synthetic(100);
    const at = (pid: number) => {
      const info = db
        .prepare(`INSERT INTO datasets (name, source, created_at, row_count, column_count, missing_cells, pending_pid) VALUES (?, 's', ?, 1, 1, 0, ?)`)
        .run(`pending ${pid}`, new Date('2026-01-02T03:00:00Z').toISOString(), pid);
      db.prepare(`INSERT INTO dataset_columns (dataset_id, idx, name, type, role, cells) VALUES (?, 0, 'x', 'numeric', 'feature', x'')`).run(
        info.lastInsertRowid,
      );
      return Number(info.lastInsertRowid);
    };
    const [live, dead] = [at(111), at(222)];
    const visible = service.insertDataset(d, { name: 'kept', source: 'k.csv' });
    const alive = (pid: number) => pid === 111;
    expect(service.removeAbandonedImports(alive, Date.parse('2026-01-02T04:00:00Z'))).toEqual([dead]);
    expect(service.removeAbandonedImports(alive, Date.parse('2026-01-03T04:00:00Z'))).toEqual([live]);
    expect(service.list().map((x) => x.id)).toEqual([visible.id]);
    expect(count('dataset_columns')).toBe(3);
  });
});

describe('a crash in the middle of a sliced write', () => {
  it('leaves no visible dataset, and the next start removes what was written', async () => {
    // A writer process killed (-9) after a few slices of a dataset written to this database.
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const script = `
      import { openDatabase } from './electron/backend/db/database.ts';
      import { DatasetService } from './electron/backend/services/datasets.ts';
      import { parseCsv, profileDataset } from './core/data/index.ts';
      const d = parseCsv(['x,y', ...Array.from({ length: 200000 }, (_, i) => i + ',' + (i % 3))].join('\\n'));
      const service = new DatasetService(openDatabase(process.argv[1]));
      let n = 0;
      await service.writeInSlices(d, { name: 'crashed', source: 'c.csv' }, profileDataset(d), {
        sliceBytes: 64 * 1024,
        onProgress: () => { if (++n === 5) { process.stdout.write('slices\\n'); setInterval(() => {}, 1000); return new Promise(() => {}); } },
      });
    `;
    db.close();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, lab.path], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => c.toString().includes('slices') && resolve());
      child.on('exit', () => reject(new Error(`the writer ended before its fifth slice: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const after = openDatabase(lab.path);
    try {
      const reopened = new DatasetService(after);
      expect(reopened.list()).toEqual([]);
      const left = (t: string) => (after.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
      expect(left('datasets')).toBe(1);
      expect(left('dataset_cell_chunks')).toBeGreaterThan(0);
      expect(reopened.removeAbandonedImports((pid) => pid !== child.pid)).toHaveLength(1);
      expect([left('datasets'), left('dataset_columns'), left('dataset_cell_chunks')]).toEqual([0, 0, 0]);
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      after.close();
    }
  }, 30_000);
});

describe('a full disk in the middle of a sliced write', () => {
  it('fails with SQLITE_FULL and leaves nothing of the dataset', async (ctx) => {
    const fs = mountTmpfs(join(lab.dir, 'small-disk'), 2 * 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    const small = openDatabase(join(fs.dir, 'lab.db'));
    try {
      const service = new DatasetService(small);
      const kept = service.insertDataset(synthetic(100), { name: 'kept', source: 'k.csv' });
      const d = synthetic(120_000); // 3 columns of 960 kB: more than the disk holds
      await expect(service.writeInSlices(d, { name: 'big', source: 'big.csv' }, profileDataset(d))).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      expect(service.list().map((x) => x.id)).toEqual([kept.id]);
      const left = (t: string) => (small.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
      expect([left('datasets'), left('dataset_columns'), left('dataset_cell_chunks')]).toEqual([1, 3, 0]);
      expect(small.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      small.close();
      fs.unmount();
    }
  });
});
