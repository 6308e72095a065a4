import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { runQnnlab } from '../test-io.ts';

const pbc = new URL('../../../resources/samples/pbc.csv', import.meta.url).pathname;
let dir: string;
let db: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qnnlab-cli-'));
  db = join(dir, 'lab.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
