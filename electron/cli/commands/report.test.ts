import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../backend/db/database.ts';
import { RunService } from '../../backend/services/runs.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { recordFakeExperiment } from '../../../test-support/experiment-runs.ts';
import { mountTmpfs } from '../../../test-support/mounts.ts';
import { runQnnlab } from '../test-io.ts';

const tmp = useTempDir('qnnlab-report-cli-');
let db: string;
let experimentId: number;
let queuedId: number;

beforeEach(() => {
  db = join(tmp.path, 'lab.db');
  const handle = openDatabase(db);
  try {
    const runs = new RunService(handle, '0.1.0');
    experimentId = recordFakeExperiment(runs, { methods: ['mean', 'mice'], seeds: [1, 2], dataset: { name: 'pbc', source: 'bundled sample' } }).id;
    queuedId = runs.create({ kind: 'train', config: {} });
  } finally {
    handle.close();
  }
});

const recorded = () => {
  const handle = new BetterSqlite3(db, { readonly: true });
  try {
    return handle.prepare('SELECT run_id, format, path, content IS NULL AS no_content FROM reports ORDER BY id').all();
  } finally {
    handle.close();
  }
};

describe('qnnlab report', () => {
  it('writes each format whole and records it, with what it wrote on stdout', async () => {
    for (const format of ['html', 'csv', 'json'] as const) {
      const out = join(tmp.path, `r.${format}`);
      const r = await runQnnlab('report', '--run', String(experimentId), '--format', format, '--out', out, '--db', db);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^wrote ${out} \\(\\d+ bytes\\): Imputation experiment: pbc: mean, mice .*; recorded as report \\d+\\n$`));
    }
    const html = readFileSync(join(tmp.path, 'r.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Scores per method and seed');
    // The CSV's nrmse of each child equals the JSON's, which equals the database's.
    const json = JSON.parse(readFileSync(join(tmp.path, 'r.json'), 'utf8')) as { children: { id: number; scores: { nrmse: number } }[] };
    const handle = new BetterSqlite3(db, { readonly: true });
    for (const child of json.children) {
      const stored = handle.prepare("SELECT value FROM run_metrics WHERE run_id = ? AND name = 'nrmse'").get(child.id) as { value: number };
      expect(child.scores.nrmse).toBe(stored.value);
      expect(readFileSync(join(tmp.path, 'r.csv'), 'utf8')).toContain(`,nrmse,0,${stored.value}\n`);
    }
    handle.close();
    expect(recorded()).toEqual(['html', 'csv', 'json'].map((format) => ({ run_id: experimentId, format, path: join(tmp.path, `r.${format}`), no_content: 1 })));
    expect(readdirSync(tmp.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const asJson = await runQnnlab('report', '--run', String(experimentId), '--format', 'csv', '--out', join(tmp.path, 'again.csv'), '--db', db, '--json');
    expect(JSON.parse(asJson.stdout)).toMatchObject({ runId: experimentId, format: 'csv', stored: false });
  });

  it('refuses bad input with a message naming it, the right exit code, and nothing written', async () => {
    const out = join(tmp.path, 'x.html');
    const cases: [string[], number, RegExp][] = [
      [['--run', '999', '--format', 'html'], 2, /run 999/i],
      [['--run', String(queuedId), '--format', 'html'], 2, new RegExp(`Run ${queuedId} is queued: a report shows a finished run`)],
      [['--format', 'html'], 2, /give exactly one of --run ID and --comparison ID \(got neither\)/],
      [['--run', '1', '--comparison', '1', '--format', 'html'], 2, /give exactly one of --run ID and --comparison ID \(got both\)/],
      [['--run', String(experimentId), '--format', 'docx'], 2, /--format must be one of html, pdf, csv, json; got "docx"/],
      [['--run', 'abc', '--format', 'html'], 2, /--run must be a number, got "abc"/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runQnnlab('report', ...args, '--out', out, '--db', db);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    const noFolder = await runQnnlab('report', '--run', String(experimentId), '--format', 'html', '--out', join(tmp.path, 'nope', 'x.html'), '--db', db);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toMatch(/the folder .*nope does not exist\. Nothing was written/);
    const folder = await runQnnlab('report', '--run', String(experimentId), '--format', 'html', '--out', tmp.path, '--db', db);
    expect(folder.stderr).toMatch(/is a folder: give the path of the file to write/);
    expect(recorded()).toEqual([]);
  });

  it('an --out on a read-only disk is refused before any work (exit 1)', async (ctx) => {
    const fs = mountTmpfs(join(tmp.path, 'ro'), 2 ** 20);
    if (typeof fs === 'string') return ctx.skip(fs);
    try {
      fs.readOnly();
      const r = await runQnnlab('report', '--run', String(experimentId), '--format', 'html', '--out', join(fs.dir, 'x.html'), '--db', db);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is on a read-only disk\. Nothing was written/);
      expect(readdirSync(fs.dir)).toEqual([]);
      expect(recorded()).toEqual([]);
    } finally {
      fs.unmount();
    }
  });

  it('a PDF where no Chromium is installed says what to install (exit 1), nothing written', async () => {
    const out = join(tmp.path, 'x.pdf');
    const before = process.env.QNNLAB_CHROMIUM;
    process.env.QNNLAB_CHROMIUM = join(tmp.path, 'no-chromium');
    try {
      const r = await runQnnlab('report', '--run', String(experimentId), '--format', 'pdf', '--out', out, '--db', db);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /A PDF needs a Chromium browser to print it, and there is none at .*no-chromium\. Install Chromium \(Debian: apt-get install chromium\)/,
      );
    } finally {
      if (before === undefined) delete process.env.QNNLAB_CHROMIUM;
      else process.env.QNNLAB_CHROMIUM = before;
    }
    expect(existsSync(out)).toBe(false);
    expect(recorded()).toEqual([]);
  });
});
