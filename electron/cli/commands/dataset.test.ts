import { beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import Papa from 'papaparse';
import { mountTmpfs } from '../../../test-support/mounts.ts';
import { PBC_CSV, useTempDir } from '../../../test-support/files.ts';
import { runCli } from '../main.ts';
import { runQnnlab } from '../test-io.ts';
import { readImportFile } from '../../backend/import-files.ts';
import { printable } from './dataset.ts';

const root = new URL('../../../', import.meta.url).pathname;

const pbc = PBC_CSV;
const tmp = useTempDir('qnnlab-cli-');
let dir: string;
let db: string;

beforeEach(() => {
  dir = tmp.path;
  db = join(dir, 'lab.db');
});

describe('qnnlab dataset', () => {
  it('imports pbc.csv, lists it as JSON, shows and exports it', async () => {
    const imported = await runQnnlab('dataset', 'import', pbc, '--name', 'pbc', '--db', db, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ name: 'pbc', rows: 418, columns: 20, missingCells: 1033 });

    const list = await runQnnlab('dataset', 'list', '--db', db, '--json');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: summary.id, name: 'pbc', rows: 418, columns: 20, missingCells: 1033 });

    const show = await runQnnlab('dataset', 'show', String(summary.id), '--db', db, '--json');
    expect(show.code).toBe(0);
    const detail = JSON.parse(show.stdout);
    expect(detail.columnProfiles.find((c: { name: string }) => c.name === 'sex').type).toBe('categorical');

    const out = join(dir, 'out.csv');
    const exported = await runQnnlab('dataset', 'export', String(summary.id), '--out', out, '--db', db);
    expect(exported.code, exported.stderr).toBe(0);
    const original = Papa.parse<string[]>(readFileSync(pbc, 'utf8').trim()).data;
    const back = Papa.parse<string[]>(readFileSync(out, 'utf8').trim()).data;
    expect(back[0]).toEqual(original[0]);
    expect(back).toHaveLength(original.length);
    // Every cell survives the round trip (numbers compared as numbers, missing stays missing).
    for (let r = 1; r < original.length; r++) {
      for (let c = 0; c < original[0].length; c++) {
        const a = original[r][c];
        const b = back[r][c];
        if (a === '' || a === 'NA') expect(b === '' || b === 'NA').toBe(true);
        else if (Number.isFinite(Number(a))) expect(Number(b)).toBe(Number(a));
        else expect(b).toBe(a);
      }
    }
  });

  it('refuses a ragged file with the line number, a non-zero exit, and no dataset written', async () => {
    const bad = join(dir, 'ragged.csv');
    writeFileSync(bad, 'a,b,c\n1,2,3\n4,5\n');
    const result = await runQnnlab('dataset', 'import', bad, '--db', db);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/line 3/);
    const list = await runQnnlab('dataset', 'list', '--db', db, '--json');
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('explains a missing file, a bad id and an unknown dataset', async () => {
    const missing = await runQnnlab('dataset', 'import', join(dir, 'nope.csv'), '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const badId = await runQnnlab('dataset', 'show', 'abc', '--db', db);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/positive integer/);
    const unknown = await runQnnlab('dataset', 'show', '42', '--db', db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/42/);
    const flag = await runQnnlab('dataset', 'list', '--bogus', '--db', db);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/bogus/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Data safety and faults (issue 7).

/** Windows-1252 bytes of Latin-1 text (independent of TextDecoder). */
const cp1252 = (s: string) => Buffer.from([...s].map((c) => c.charCodeAt(0)));

async function cliWithSignal(signal: AbortSignal, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk, _e, done) => (add(String(chunk)), done()) });
  const code = await runCli(argv, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), signal });
  return { code, stdout, stderr };
}

function counts(path: string): { datasets: number; columns: number; integrity: string } {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return {
      datasets: (db.prepare('SELECT COUNT(*) AS n FROM datasets').get() as { n: number }).n,
      columns: (db.prepare('SELECT COUNT(*) AS n FROM dataset_columns').get() as { n: number }).n,
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

describe('qnnlab dataset import: encodings', () => {
  it('imports a Windows-1252 file with two distinct, correct categories and a warning naming windows-1252', async () => {
    const file = join(dir, 'latin.csv');
    writeFileSync(file, cp1252('patient,city,age\nFrançois,Paris,31\nZoë,Lyon,40\nFrançois,Nice,52\nZoë,Köln,47\n'));
    const r = await runQnnlab('dataset', 'import', file, '--db', db, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: The file is not UTF-8 text; it was read as windows-1252 \(detected\)/);
    const { id } = JSON.parse(r.stdout);
    const show = JSON.parse((await runQnnlab('dataset', 'show', String(id), '--db', db, '--json')).stdout);
    const patient = show.columnProfiles.find((c: { name: string }) => c.name === 'patient');
    expect(patient).toMatchObject({
      type: 'categorical',
      distinct: 2,
      categories: [
        { value: 'François', count: 2 },
        { value: 'Zoë', count: 2 },
      ],
    });
    expect(show.warnings[0]).toMatch(/windows-1252/);
    // Chosen explicitly: the same text, no warning.
    const chosen = await runQnnlab('dataset', 'import', file, '--encoding', 'latin1', '--db', db);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stderr).toBe('');
  });

  it('refuses an unknown encoding name with a clear message, exit 2, nothing written', async () => {
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const r = await runQnnlab('dataset', 'import', file, '--encoding', 'klingon-8', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^qnnlab: Unknown encoding "klingon-8"\. Give an encoding name such as utf-8, windows-1252/);
    expect(existsSync(db)).toBe(false);
  });
});

describe('qnnlab dataset export: formulas', () => {
  it('neutralises text cells that start with = + - @ and keeps numbers; --raw writes them as stored', async () => {
    const file = join(dir, 'evil.csv');
    writeFileSync(file, 'n,label\n-3,"=cmd|\' /C calc\'!A0"\n4,+x\n5,@SUM(A1)\n6,ok\n');
    const imported = await runQnnlab('dataset', 'import', file, '--db', db, '--json');
    const { id } = JSON.parse(imported.stdout);
    const out = join(dir, 'out.csv');
    expect((await runQnnlab('dataset', 'export', String(id), '--out', out, '--db', db)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`n,label\n-3,"'=cmd|' /C calc'!A0"\n4,"'+x"\n5,"'@SUM(A1)"\n6,ok\n`);
    const raw = await runQnnlab('dataset', 'export', String(id), '--out', out, '--raw', '--db', db);
    expect(raw.stderr).toMatch(/raw/);
    expect(readFileSync(out, 'utf8')).toBe(`n,label\n-3,=cmd|' /C calc'!A0\n4,+x\n5,@SUM(A1)\n6,ok\n`);
  });
});

describe('qnnlab dataset import: missing-value tokens', () => {
  it('refuses a token that would blank the outcome, says to add --force, writes nothing; --force imports', async () => {
    const r = await runQnnlab('dataset', 'import', pbc, '--missing', '0', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"0" would blank 257 of 418 cells of the outcome column "death" \(61%\)/);
    expect(r.stderr).toMatch(/Nothing was imported\..*add --force to import anyway\.\n$/);
    expect(JSON.parse((await runQnnlab('dataset', 'list', '--db', db, '--json')).stdout)).toEqual([]);
    const forced = await runQnnlab('dataset', 'import', pbc, '--missing', '0', '--force', '--db', db, '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ rows: 418 });
  });
});

describe('qnnlab dataset import: what it reads', () => {
  it('refuses a folder, a device and a FIFO with a clear message (never EISDIR, never a hang)', async () => {
    const folder = await runQnnlab('dataset', 'import', dir, '--db', db);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`qnnlab: ${dir} is a folder, not a file: give the path of a CSV file\n`);
    const zero = await runQnnlab('dataset', 'import', '/dev/zero', '--db', db);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe('qnnlab: /dev/zero is a device, not a file: give the path of a CSV file\n');
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const pipe = await runQnnlab('dataset', 'import', fifo, '--db', db);
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toMatch(/pipe\.csv is a pipe \(FIFO\), not a file/);
    expect(existsSync(db)).toBe(false);
  });

  it('counts the bytes it reads instead of trusting the stated size, and stops at the limit', async () => {
    // /proc files state a size of 0 and hold more.
    const proc = '/proc/self/maps';
    if (!existsSync(proc)) return;
    const text = readFileSync(proc);
    expect(statSync(proc).size).toBe(0);
    expect(text.length).toBeGreaterThan(1000);
    await expect(readImportFile(proc, { limit: 1000 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/larger than its stated size \(0 bytes\)/),
    });
    expect((await readImportFile(proc, { limit: 10 * text.length })).length).toBeGreaterThan(1000);
    // A file exactly at the limit is read; one byte more is refused before it is read.
    const file = join(dir, 'ten.csv');
    writeFileSync(file, '0123456789');
    expect(Buffer.from(await readImportFile(file, { limit: 10 })).toString()).toBe('0123456789');
    await expect(readImportFile(file, { limit: 9 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});

/** A CSV file of about `mb` MiB (numbers only). */
function bigCsv(path: string, mb: number): void {
  const row = '1.5,2.25,3,4,5,6,7,8\n';
  writeFileSync(path, 'a,b,c,d,e,f,g,h\n' + row.repeat(Math.ceil((mb * 2 ** 20) / row.length)));
}

describe('qnnlab dataset import: Ctrl+C', () => {
  it('cancels during the read: exit 130, nothing written', async () => {
    const file = join(dir, 'big.csv');
    bigCsv(file, 64);
    const controller = new AbortController();
    let reads = 0;
    // Abort once the read has begun (after the first chunk), from the event loop as SIGINT would.
    const started = readImportFile(file, {
      limit: 2 ** 30,
      signal: controller.signal,
      onProgress: () => reads++ === 0 && setImmediate(() => controller.abort()),
    });
    await expect(started).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(reads).toBeLessThan(16); // 64 MiB is 16 chunks: it stopped early
    const again = new AbortController();
    const run = cliWithSignal(again.signal, 'dataset', 'import', file, '--db', db);
    setTimeout(() => again.abort(), 5);
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('qnnlab: cancelled\n');
    if (existsSync(db)) expect(counts(db)).toMatchObject({ datasets: 0, columns: 0, integrity: 'ok' });
  });

  it('a real SIGINT to `qnnlab dataset import` cancels it: exit 130, nothing written', async (ctx) => {
    if (!existsSync('/proc/self/fd')) return ctx.skip('needs /proc to see when the CLI has opened the file');
    const file = join(dir, 'big.csv');
    bigCsv(file, 96);
    const child = spawn(process.execPath, [join(root, 'bin', 'qnnlab.mjs'), 'dataset', 'import', file, '--db', db], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // Wait until the CLI holds the file open (its SIGINT handler is installed before it runs any command).
    const fds = `/proc/${child.pid}/fd`;
    const isOpen = () => {
      try {
        return readdirSync(fds).some((fd) => readlinkSafe(join(fds, fd)) === file);
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 30_000;
    while (!isOpen() && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(child.exitCode, stderr).toBeNull();
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(stderr).toMatch(/qnnlab: cancelled/);
    if (existsSync(db)) expect(counts(db)).toMatchObject({ datasets: 0, columns: 0, integrity: 'ok' });
  }, 60_000);
});

function readlinkSafe(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

describe('qnnlab dataset import: many processes at once', () => {
  it('10 parallel imports into one database all succeed, with distinct names and ids', async () => {
    const file = join(dir, 'small.csv');
    writeFileSync(file, 'x,y\n1,2\n3,4\n');
    const importOnce = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [join(root, 'bin', 'qnnlab.mjs'), 'dataset', 'import', file, '--db', db, '--json'], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += c));
        child.on('exit', (code) => done({ code, stderr }));
      });
    // First into a new database (every process also creates and migrates it), then again into the existing one.
    for (const total of [10, 20]) {
      const results = await Promise.all(Array.from({ length: 10 }, importOnce));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const list = JSON.parse((await runQnnlab('dataset', 'list', '--db', db, '--json')).stdout) as { id: number; name: string }[];
      expect(list).toHaveLength(total);
      expect(new Set(list.map((d) => d.id)).size).toBe(total);
      expect(new Set(list.map((d) => d.name)).size).toBe(total);
      expect(counts(db)).toEqual({ datasets: total, columns: 2 * total, integrity: 'ok' });
    }
  }, 120_000);
});

describe('qnnlab dataset: a full disk and a read-only folder', () => {
  it('a full disk gives its own message naming the database, exit 1, no stack trace, nothing half-written', async (ctx) => {
    const fs = mountTmpfs(join(dir, 'small-disk'), 2 * 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    try {
      const path = join(fs.dir, 'lab.db');
      const first = await runQnnlab('dataset', 'import', pbc, '--db', path);
      expect(first.code, first.stderr).toBe(0);
      const before = counts(path);
      const file = join(dir, 'big.csv');
      bigCsv(file, 4);
      const r = await runQnnlab('dataset', 'import', file, '--db', path);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`qnnlab: The disk holding the experiment database ${path} is full. Nothing was changed. Free some space and try again.\n`);
      expect(counts(path)).toEqual(before);
      // Exporting to the full disk: DISK_FULL too, and no half-written file left.
      const out = join(fs.dir, 'big-out.csv');
      const big = await runQnnlab('dataset', 'import', file, '--db', db, '--json');
      const exported = await runQnnlab('dataset', 'export', String(JSON.parse(big.stdout).id), '--out', out, '--db', db);
      expect(exported.code).toBe(1);
      expect(exported.stderr).toMatch(/^qnnlab: cannot write .*big-out\.csv: No space left on the disk/);
      expect(readdirSync(fs.dir).filter((f) => f.includes('big-out'))).toEqual([]);
    } finally {
      fs.unmount();
    }
  }, 60_000);

  it('a healthy database in a read-only folder is READ_ONLY with a message naming the file, never "not a QNN Lab database"', async (ctx) => {
    const fs = mountTmpfs(join(dir, 'ro'), 4 * 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    try {
      const path = join(fs.dir, 'lab.db');
      expect((await runQnnlab('dataset', 'import', pbc, '--db', path)).code).toBe(0);
      fs.readOnly();
      for (const argv of [
        ['dataset', 'list'],
        ['dataset', 'import', pbc],
      ]) {
        const r = await runQnnlab(...argv, '--db', path);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`^qnnlab: The experiment database at ${path} cannot be opened: its folder .* is read-only.*do not delete it`));
        expect(r.stderr).not.toMatch(/not a QNN Lab database|internal error|\n {4}at /);
      }
      fs.writable();
      expect(counts(path)).toMatchObject({ datasets: 1, integrity: 'ok' });
    } finally {
      fs.unmount();
    }
  });
});

describe('qnnlab dataset list/show: terminal safety', () => {
  it('prints control characters in names as visible escapes; JSON keeps the data as it is', async () => {
    const evil = 'evil\u001b[2J\u001b]0;pwned\u0007';
    const file = join(dir, 'names.csv');
    writeFileSync(file, `"col\u001b[31mred",b\n1,2\n3,4\n`);
    const imported = await runQnnlab('dataset', 'import', file, '--name', evil, '--db', db, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const { id } = JSON.parse(imported.stdout);
    const list = await runQnnlab('dataset', 'list', '--db', db);
    const show = await runQnnlab('dataset', 'show', String(id), '--db', db);
    for (const out of [list.stdout, show.stdout]) {
      // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    }
    expect(list.stdout).toContain('evil\\u001b[2J\\u001b]0;pwned\\u0007');
    expect(show.stdout).toContain('col\\u001b[31mred');
    expect(JSON.parse((await runQnnlab('dataset', 'list', '--db', db, '--json')).stdout)[0].name).toBe(evil);
    expect(printable('a\u202eb\tc')).toBe('a\\u202eb\\u0009c');
  });
});
