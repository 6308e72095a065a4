// `qnnlab impute | synth | experiment` end to end, in process (runQnnlab), on small files in a temporary folder.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../core/data/csv.ts';
import { runCli } from '../main.ts';
import { runQnnlab } from '../test-io.ts';
import { PBC_CSV, useTempDir } from '../../../test-support/files.ts';

// One folder for the file: some tests use the files an earlier one wrote (a saved model).
const tmp = useTempDir('qnnlab-impute-', 'all');
const pbc = PBC_CSV;
const file = (name: string) => tmp.file(name);

describe('qnnlab synth', () => {
  it('writes a seeded synthetic table that says it is synthetic', async () => {
    const a = await runQnnlab('synth', '--rows', '200', '--seed', '3', '--out', file('s1.csv'));
    const b = await runQnnlab('synth', '--rows', '200', '--seed', '3', '--out', file('s2.csv'));
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr).toMatch(/SYNTHETIC ICU data .*no real patients/);
    expect(readFileSync(file('s1.csv'), 'utf8')).toBe(readFileSync(file('s2.csv'), 'utf8'));
    const t = parseCsv(readFileSync(file('s1.csv'), 'utf8'));
    expect(t.rows).toBe(200);
    expect(t.columns.find((c) => c.name === 'death')).toMatchObject({ type: 'binary', role: 'outcome' });
    expect(t.columns.find((c) => c.name === 'id')?.role).toBe('identifier');
  });
  it('refuses a bad row count', async () => {
    const r = await runQnnlab('synth', '--rows', '0', '--out', file('bad.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rows must be at least 1/);
    expect(existsSync(file('bad.csv'))).toBe(false);
  });
});

describe('qnnlab impute', () => {
  it('fills every missing feature cell and keeps columns, order, rows, observed values and labels', async () => {
    const r = await runQnnlab('impute', '--data', pbc, '--method', 'mice', '--exclude', 'time', '--out', file('pbc-mice.csv'), '--json');
    expect(r.code).toBe(0);
    const before = parseCsv(readFileSync(pbc, 'utf8'));
    const after = parseCsv(readFileSync(file('pbc-mice.csv'), 'utf8'));
    expect(after.rows).toBe(before.rows);
    expect(after.columns.map((c) => [c.name, c.type, c.categories])).toEqual(before.columns.map((c) => [c.name, c.type, c.categories]));
    after.columns.forEach((c, j) => {
      c.values.forEach((v, i) => {
        const old = before.columns[j].values[i];
        if (old === old) expect(v).toBe(old);
        else expect(Number.isFinite(v)).toBe(true);
      });
    });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ method: 'mice', rows: 418, missingCellsLeft: 0 });
    expect(out.filledCells).toBe(before.columns.reduce((s, c) => s + c.values.filter((v) => v !== v).length, 0));
  });

  it('saves the fitted imputer and applies it without refitting, reproducing the completion', async () => {
    expect(
      (
        await runQnnlab(
          'impute',
          '--data',
          pbc,
          '--method',
          'deep-mice',
          '--option',
          'cycles=2',
          '--option',
          'hidden=[8]',
          '--exclude',
          'time',
          '--seed',
          '4',
          '--save-model',
          file('m.json'),
          '--out',
          file('fit.csv'),
        )
      ).code,
    ).toBe(0);
    const r = await runQnnlab('impute', '--data', pbc, '--model', file('m.json'), '--out', file('applied.csv'));
    expect(r.code).toBe(0);
    expect(readFileSync(file('applied.csv'), 'utf8')).toBe(readFileSync(file('fit.csv'), 'utf8'));
    expect(JSON.parse(readFileSync(file('m.json'), 'utf8')).recipe).toMatchObject({ method: 'deep-mice', cycles: 2, hidden: [8] });
  });

  it('refuses a saved model on a table whose columns differ, naming them, and writes nothing', async () => {
    writeFileSync(file('renamed.csv'), readFileSync(pbc, 'utf8').replace('"chol"', '"cholesterol"'));
    const r = await runQnnlab('impute', '--data', file('renamed.csv'), '--model', file('m.json'), '--out', file('never.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lacks "chol" and has "cholesterol"/);
    expect(existsSync(file('never.csv'))).toBe(false);
  });

  it('refuses a damaged model file, naming the field', async () => {
    const model = JSON.parse(readFileSync(file('m.json'), 'utf8'));
    model.columns[0].target = { kind: 'nonsense' };
    writeFileSync(file('damaged.json'), JSON.stringify(model));
    const r = await runQnnlab('impute', '--data', pbc, '--model', file('damaged.json'), '--out', file('never.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/damaged: "columns\.0\.target/);
    writeFileSync(file('not-json.json'), '{oops');
    expect((await runQnnlab('impute', '--data', pbc, '--model', file('not-json.json'), '--out', file('never.csv'))).stderr).toMatch(/not valid JSON/);
  });

  it('refuses an unknown method, a wrong option and an unknown column by name', async () => {
    expect((await runQnnlab('impute', '--data', pbc, '--method', 'magic', '--out', file('x.csv'))).stderr).toMatch(
      /Unknown imputation method "magic"; the methods are mean, mice, missforest, deep-mice/,
    );
    expect((await runQnnlab('impute', '--data', pbc, '--method', 'missforest', '--option', 'trees=-3', '--out', file('x.csv'))).stderr).toMatch(
      /missforest option "trees" must be >= 1; got -3/,
    );
    expect((await runQnnlab('impute', '--data', pbc, '--method', 'mean', '--exclude', 'tme', '--out', file('x.csv'))).stderr).toMatch(/no column named "tme"/);
    expect(existsSync(file('x.csv'))).toBe(false);
  });

  it('Ctrl+C cancels with exit code 130 and writes nothing', async () => {
    const ctl = new AbortController();
    // The progress bar's first drawing (the fit has started) presses Ctrl+C.
    const write = () => {
      setTimeout(() => ctl.abort(), 5);
      return true;
    };
    const sink = { write, isTTY: true, columns: 80 } as unknown as NodeJS.WritableStream;
    const code = await runCli(['impute', '--data', pbc, '--method', 'missforest', '--out', file('cancelled.csv')], {
      stdout: sink,
      stderr: sink as never,
      signal: ctl.signal,
    });
    expect(code).toBe(130);
    expect(existsSync(file('cancelled.csv'))).toBe(false);
  });
});

describe('qnnlab experiment', () => {
  it('reports per-method mean and sd of NRMSE, RMSE, AUC, with per-seed rows, across two workers', async () => {
    const r = await runQnnlab(
      'experiment',
      '--data',
      pbc,
      '--outcome',
      'death',
      '--exclude',
      'time',
      '--methods',
      'mean,mice',
      '--mask',
      'mcar:0.2',
      '--seeds',
      '3',
      '--workers',
      '2',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.methods)).toEqual(['mean', 'mice']);
    for (const m of ['mean', 'mice']) {
      expect(out.methods[m]).toMatchObject({
        nrmse: { mean: expect.any(Number), sd: expect.any(Number) },
        rmse: { mean: expect.any(Number) },
        auc: { mean: expect.any(Number) },
        circuits: 0,
        shots: 0,
      });
    }
    expect(out.seeds).toHaveLength(6);
    expect(out.seeds.map((s: { seed: number; method: string }) => `${s.seed}:${s.method}`)).toEqual([
      '1:mean',
      '1:mice',
      '2:mean',
      '2:mice',
      '3:mean',
      '3:mice',
    ]);
    expect(out.workers).toBe(2);
    // The same experiment in one thread gives the same numbers.
    const single = JSON.parse(
      (
        await runQnnlab(
          'experiment',
          '--data',
          pbc,
          '--outcome',
          'death',
          '--exclude',
          'time',
          '--methods',
          'mean,mice',
          '--seeds',
          '3',
          '--workers',
          '1',
          '--json',
        )
      ).stdout,
    );
    expect(single.seeds.map((s: { nrmse: number }) => s.nrmse)).toEqual(out.seeds.map((s: { nrmse: number }) => s.nrmse));
    expect(out.methods.mice.nrmse.mean).toBeLessThan(out.methods.mean.nrmse.mean);
  });

  it.each([
    [['--outcome', 'edema'], /"edema" must be binary \(two values, e\.g\. 0\/1 or alive\/dead\); it is numeric with 3 distinct values/],
    [['--outcome', 'stage'], /"stage" must be binary/],
    [['--outcome', 'chol'], /"chol" must be binary/],
    [['--outcome', 'death', '--mask', 'mcar:1.5'], /--mask rate must be a number strictly between 0 and 1/],
    [['--outcome', 'death', '--folds', '500'], /--folds must be at most 100/],
    [['--outcome', 'nope'], /outcome column "nope" is not in the file/],
  ])('refuses bad input %j', async (args, message) => {
    const r = await runQnnlab('experiment', '--data', pbc, '--methods', 'mean', '--seeds', '1', ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('refuses an outcome with missing values and a table with fewer rows than folds', async () => {
    writeFileSync(file('holes.csv'), 'a,b,death\n1,2,1\n2,,0\n3,4,\n4,5,1\n5,6,0\n6,7,1\n');
    expect(
      (await runQnnlab('experiment', '--data', file('holes.csv'), '--outcome', 'death', '--methods', 'mean', '--seeds', '1', '--folds', '2')).stderr,
    ).toMatch(/"death" has 1 missing values/);
    writeFileSync(file('tiny.csv'), 'a,b,death\n1,2,1\n2,,0\n3,4,1\n');
    expect(
      (await runQnnlab('experiment', '--data', file('tiny.csv'), '--outcome', 'death', '--methods', 'mean', '--seeds', '1', '--folds', '5')).stderr,
    ).toMatch(/3 rows, fewer than the 5 folds/);
  });
});

describe('qnnlab experiment, recorded as runs', () => {
  it('records a parent run and one child per (method, seed) with metrics, from --data with --db and from --dataset', async () => {
    const db = file('runs.db');
    const r = await runQnnlab(
      'experiment',
      '--data',
      pbc,
      '--outcome',
      'death',
      '--exclude',
      'id,time',
      '--methods',
      'mean,mice',
      '--seeds',
      '2',
      '--workers',
      '1',
      '--db',
      db,
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runId).toBeGreaterThan(0);
    const { openDatabase } = await import('../../backend/db/database.ts');
    const { RunService } = await import('../../backend/services/runs.ts');
    const handle = openDatabase(db);
    try {
      const runs = new RunService(handle, 'test');
      const parent = runs.get(out.runId);
      expect(parent).toMatchObject({ kind: 'experiment', status: 'succeeded', progress: 1, seeds: [1, 2], datasetName: 'pbc.csv' });
      const children = runs.children(out.runId);
      expect(children.map((c) => c.name)).toEqual(['mean, seed 1', 'mice, seed 1', 'mean, seed 2', 'mice, seed 2']);
      // The recorded metrics are the numbers the command printed.
      const mice2 = runs.metrics(children[3].id);
      const printed = out.seeds.find((s: { method: string; seed: number }) => s.method === 'mice' && s.seed === 2);
      expect(mice2.find((m) => m.name === 'nrmse')?.value).toBe(printed.nrmse);
      expect(mice2.find((m) => m.name === 'auc')?.value).toBe(printed.auc);
      // The recorded summary is the one printed (and the one an experiment run keeps).
      expect(parent.result).toEqual({ config: out.config, methods: out.methods, varianceRatios: out.varianceRatios, seeds: out.seeds });
    } finally {
      handle.close();
    }
    // A dataset of the database: imported first, then the experiment by its id, recorded with it.
    const imported = JSON.parse((await runQnnlab('dataset', 'import', pbc, '--db', db, '--json')).stdout);
    const byId = await runQnnlab(
      'experiment',
      '--dataset',
      String(imported.id),
      '--outcome',
      'death',
      '--exclude',
      'id,time',
      '--methods',
      'mean',
      '--seeds',
      '1',
      '--db',
      db,
      '--json',
    );
    expect(byId.code, byId.stderr).toBe(0);
    const again = JSON.parse(byId.stdout);
    expect(again.dataset).toBe(imported.id);
    const list = JSON.parse((await runQnnlab('dataset', 'list', '--db', db, '--json')).stdout);
    expect(list).toHaveLength(1);
    const h2 = openDatabase(db);
    try {
      expect(new RunService(h2, 'test').get(again.runId)).toMatchObject({ datasetId: imported.id, datasetName: 'pbc', status: 'succeeded' });
    } finally {
      h2.close();
    }
  });

  it('a cancelled experiment is recorded as cancelled, keeping the seeds it finished', async () => {
    const db = file('cancel.db');
    const { openDatabase } = await import('../../backend/db/database.ts');
    const { RunService } = await import('../../backend/services/runs.ts');
    const ctl = new AbortController();
    let watcher: ReturnType<typeof openDatabase> | undefined;
    // Ctrl+C as soon as the first seed is recorded (checked at every progress redraw, through a second connection).
    const write = () => {
      if (!ctl.signal.aborted && existsSync(db)) {
        watcher ??= openDatabase(db);
        const { n } = watcher.prepare('SELECT COUNT(*) AS n FROM runs WHERE parent_id IS NOT NULL').get() as { n: number };
        if (n > 0) ctl.abort();
      }
      return true;
    };
    const sink = { write, isTTY: true, columns: 80 } as unknown as NodeJS.WritableStream;
    const argv = [
      'experiment',
      '--data',
      pbc,
      '--outcome',
      'death',
      '--exclude',
      'id,time',
      '--methods',
      'mean,missforest',
      '--option',
      'missforest.trees=10',
      '--seeds',
      '3',
      '--workers',
      '1',
      '--db',
      db,
    ];
    const code = await runCli(argv, { stdout: sink, stderr: sink as never, signal: ctl.signal });
    watcher?.close();
    expect(code).toBe(130);
    const handle = openDatabase(db);
    try {
      const runs = new RunService(handle, 'test');
      const [parent] = runs.list().runs;
      expect(parent).toMatchObject({ kind: 'experiment', status: 'cancelled' });
      // Whole seeds only: both methods of seed 1, and never one method of a seed.
      const children = runs.children(parent.id);
      expect(children.slice(0, 2).map((c) => c.name)).toEqual(['mean, seed 1', 'missforest, seed 1']);
      expect(children.length % 2).toBe(0);
      expect(children.length).toBeLessThan(6);
      expect(handle.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      handle.close();
    }
  });

  it('a refused configuration records nothing', async () => {
    const db = file('refused.db');
    for (const bad of [
      ['--mask', 'mcar:1.5'],
      ['--folds', '500'],
      ['--outcome', 'chol'],
    ]) {
      const r = await runQnnlab('experiment', '--data', pbc, '--outcome', 'death', '--exclude', 'id,time', '--methods', 'mean', ...bad, '--db', db);
      expect(r.code, bad.join(' ')).toBe(2);
    }
    const { openDatabase } = await import('../../backend/db/database.ts');
    if (existsSync(db)) {
      const handle = openDatabase(db);
      expect(handle.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
      handle.close();
    }
  });

  it('refuses --data with --dataset, and a dataset id that does not exist', async () => {
    const both = await runQnnlab('experiment', '--data', pbc, '--dataset', '1', '--outcome', 'death', '--methods', 'mean');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --data FILE.csv or --dataset ID, not both/);
    const missing = await runQnnlab('experiment', '--dataset', '99', '--outcome', 'death', '--methods', 'mean', '--db', file('empty.db'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Dataset 99 does not exist/);
  });
});

describe('qnnlab impute --method qnn-mice', () => {
  it('takes --qubits, --layers, --backend and --shots, and refuses them for other methods', async () => {
    const r = await runQnnlab(
      'impute',
      '--data',
      pbc,
      '--method',
      'qnn-mice',
      '--exclude',
      'id,time',
      '--option',
      'cycles=1',
      '--option',
      'epochsPerLayer=1',
      '--qubits',
      '32',
      '--layers',
      '2',
      '--backend',
      'ideal-shots',
      '--shots',
      '50',
      '--out',
      file('qnn.csv'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.recipe).toMatchObject({ qubits: 32, layers: 2, backend: 'ideal-shots', shots: 50 });
    expect(out.cost.shots).toBe(out.cost.circuits * 50);
    expect(out.missingCellsLeft).toBe(0);
    const wrong = await runQnnlab('impute', '--data', pbc, '--method', 'mice', '--qubits', '16', '--out', file('no.csv'));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--qubits applies to --method qnn-mice only; got --method mice/);
  });
});
