import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../../core/errors.ts';
import { syntheticIcu } from '../../../core/impute/synthetic-icu.ts';
import { formatNumber } from '../../../renderer/src/lib/format.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { mountTmpfs } from '../../../test-support/mounts.ts';
import { recordFakeExperiment } from '../../../test-support/experiment-runs.ts';
import { DatasetService } from '../services/datasets.ts';
import { RunService } from '../services/runs.ts';
import { externalReferences } from './document.ts';
import { METRIC_PAGE_ROWS } from './exports.ts';
import { ReportService } from './service.ts';

const temp = useTempDatabase('qnnlab-reports-');

function setup(pdf?: (html: string) => Promise<Uint8Array>) {
  const runs = new RunService(temp.db, '0.1.0-test');
  const datasets = new DatasetService(temp.db);
  const reports = new ReportService({ db: temp.db, runs, datasets, version: '0.1.0-test', pdf });
  return { runs, datasets, reports };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Every `<td class="num" data-value=...>text</td>` of the table row whose first cells are `first`. */
function rowValues(html: string, first: string[]): { value: number; text: string }[] {
  const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => m[1]);
  const lead = first.map((c) => `<td>${c}</td>`).join('');
  const row = rows.find((r) => r.startsWith(lead));
  if (!row) throw new Error(`no row starting ${lead}`);
  return [...row.matchAll(/<td class="num" data-value="([^"]*)">([^<]*)<\/td>/g)].map((m) => ({ value: Number(m[1]), text: m[2] }));
}

/** A child run's scores straight from the database. */
function storedScores(runId: number): Record<string, number | null> {
  const rows = temp.db.prepare("SELECT name, value FROM run_metrics WHERE run_id = ? AND step = 0 AND name NOT LIKE '%/%'").all(runId) as {
    name: string;
    value: number | null;
  }[];
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

describe('run reports', () => {
  it('an experiment report shows every seed score the database holds, the stored summary, and charts as inline SVG', async () => {
    const { runs, datasets, reports } = setup();
    const pbc = datasets.insertDataset(syntheticIcu(30, 2).dataset, { name: 'pbc-like', source: 'pbc.csv' });
    const e = recordFakeExperiment(runs, { methods: ['mean', 'mice', 'qnn-mice'], seeds: [1, 2], dataset: { id: pbc.id, name: pbc.name } });
    const html = text((await reports.build({ runId: e.id, format: 'html' })).bytes);

    const children = temp.db.prepare('SELECT id, config FROM runs WHERE parent_id = ? ORDER BY id').all(e.id) as { id: number; config: string }[];
    expect(children).toHaveLength(6);
    for (const child of children) {
      const { method, seed } = JSON.parse(child.config) as { method: string; seed: number };
      const stored = storedScores(child.id);
      const cells = rowValues(html, [String(child.id), method, String(seed)]);
      expect(cells.map((c) => c.value)).toEqual(
        ['nrmse', 'rmse', 'pfc', 'auc', 'seconds', 'circuits', 'shots'].filter((m) => stored[m] !== null).map((m) => stored[m]),
      );
      for (const c of cells) expect(c.text).toBe(formatNumber(c.value));
    }
    // The summary is the one the run stored, not a recomputation.
    const result = JSON.parse((temp.db.prepare('SELECT result FROM runs WHERE id = ?').get(e.id) as { result: string }).result) as {
      methods: Record<string, { nrmse: { mean: number; sd: number } }>;
    };
    for (const [method, m] of Object.entries(result.methods)) {
      expect(html).toContain(`<td>${method}</td><td>${formatNumber(m.nrmse.mean)} ± ${formatNumber(m.nrmse.sd)}</td>`);
    }
    // NRMSE per column, NRMSE and AUC per seed, and the convergence of the two chained imputers (mean has no cycles).
    expect(html.match(/<svg /g)?.length).toBe(5);
    for (const title of [
      'NRMSE per column (mean ± sd over seeds)',
      'NRMSE per method and seed',
      'AUC per method and seed',
      'Convergence of mice',
      'Convergence of qnn-mice',
    ]) {
      expect(html).toContain(`<figcaption>${title}`);
    }
    expect(html).not.toContain('Convergence of mean');
    expect(externalReferences(html)).toEqual([]);
    expect(html).not.toContain('SYNTHETIC DATA');
    // Dataset, configuration, versions and seeds are stated.
    expect(html).toContain('<th scope="row">Dataset</th><td>pbc-like</td>');
    expect(html).toContain('<th scope="row">Seeds</th><td>1, 2</td>');
    expect(html).toContain('<th scope="row">QNN Lab version of the run</th><td>0.1.0-test</td>');
    expect(html).toContain('&quot;mechanism&quot;: &quot;mcar&quot;');
  });

  it('says the data are synthetic when the dataset is the generator’s, also once the dataset is deleted', async () => {
    const { runs, datasets, reports } = setup();
    const icu = syntheticIcu(40, 3);
    const ds = datasets.insertDataset(icu.dataset, { name: 'icu', source: icu.source });
    const e = recordFakeExperiment(runs, { methods: ['mean'], seeds: [1], dataset: { id: ds.id, name: ds.name, source: icu.source } });
    const html = async () => text((await reports.build({ runId: e.id, format: 'html' })).bytes);
    expect(await html()).toContain('<p class="notice" role="note">SYNTHETIC DATA');
    datasets.delete(ds.id);
    expect(await html()).toContain('<p class="notice" role="note">SYNTHETIC DATA');
    // JSON and CSV carry the flag too (JSON) and the same scores (CSV).
    const json = JSON.parse(text((await reports.build({ runId: e.id, format: 'json' })).bytes)) as {
      dataset: { synthetic: boolean };
      report: { notice: string };
    };
    expect(json.dataset.synthetic).toBe(true);
    expect(json.report.notice).toMatch(/^SYNTHETIC DATA/);
  });

  it('CSV and JSON hold every metric point of the run and its children, exactly', async () => {
    const { runs, reports } = setup();
    const e = recordFakeExperiment(runs, { methods: ['mean', 'mice'], seeds: [4, 5, 6], dataset: { name: 'gone' } });
    const stored = temp.db
      .prepare(
        'SELECT m.run_id, m.name, m.step, m.value FROM run_metrics m JOIN runs r ON r.id = m.run_id WHERE r.parent_id = ? OR r.id = ? ORDER BY m.run_id, m.name, m.step',
      )
      .all(e.id, e.id) as { run_id: number; name: string; step: number; value: number | null }[];
    const csv = Papa.parse<string[]>(text((await reports.build({ runId: e.id, format: 'csv' })).bytes).trimEnd()).data;
    expect(csv[0]).toEqual(['run_id', 'run_name', 'method', 'seed', 'metric', 'step', 'value']);
    const parsed = csv
      .slice(1)
      .map((f) => ({ run_id: Number(f[0]), name: f[4], step: Number(f[5]), value: f[6] === '' ? null : Number(f[6]), method: f[2], seed: Number(f[3]) }));
    expect(parsed.map(({ run_id, name, step, value }) => ({ run_id, name, step, value }))).toEqual(stored);
    expect(new Set(parsed.map((p) => `${p.method}/${p.seed}`))).toEqual(new Set(['mean/4', 'mean/5', 'mean/6', 'mice/4', 'mice/5', 'mice/6']));
    const json = JSON.parse(text((await reports.build({ runId: e.id, format: 'json' })).bytes)) as {
      metrics: unknown[];
      children: { scores: Record<string, number> }[];
    };
    expect(json.metrics).toHaveLength(stored.length);
    expect(json.children.map((c) => c.scores.nrmse)).toEqual(e.results.map((r) => r.nrmse));
  });

  it('a long series is exported whole, a page at a time with the event loop turning between pages', async () => {
    const { runs, reports } = setup();
    const id = runs.create({ kind: 'train', name: 'long', config: {} });
    runs.start(id);
    const n = 2 * METRIC_PAGE_ROWS + 7;
    runs.appendMetrics(id, [
      ...Array.from({ length: n }, (_, k) => ({ name: 'loss', step: k + 1, value: 1 / (k + 1) })),
      { name: 'circuits', step: n, value: 99 },
    ]);
    runs.finish(id, { status: 'succeeded', result: {} });
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const csv = text((await reports.build({ runId: id, format: 'csv' })).bytes);
    clearInterval(ticking);
    expect(turns).toBeGreaterThanOrEqual(2);
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(n + 2);
    expect(lines[1]).toBe(`${id},long,,,circuits,${n},99`);
    expect(lines[2]).toBe(`${id},long,,,loss,1,1`);
    expect(lines[n + 1]).toBe(`${id},long,,,loss,${n},${1 / n}`);
    const json = JSON.parse(text((await reports.build({ runId: id, format: 'json' })).bytes)) as { metricColumns: string[]; metrics: unknown[][] };
    expect(json.metricColumns).toEqual(['run_id', 'run_name', 'method', 'seed', 'metric', 'step', 'value']);
    expect(json.metrics).toHaveLength(n + 1);
    expect(json.metrics[n]).toEqual([id, 'long', '', null, 'loss', n, 1 / n]);
    // The HTML shows each metric's last value without reading the series whole.
    const html = text((await reports.build({ runId: id, format: 'html' })).bytes);
    expect(html).toContain(`<td>loss</td><td>${n}</td><td>${n}</td><td class="num" data-value="${1 / n}">`);
  });

  it('a training report draws the loss with its layer boundaries', async () => {
    const { runs, reports } = setup();
    const id = runs.create({ kind: 'train', name: 'toy', config: { qubits: 4, layers: 2 } });
    runs.start(id);
    runs.appendMetrics(id, [
      ...Array.from({ length: 40 }, (_, k) => ({ name: 'loss', step: k + 1, value: 1 / (k + 1) })),
      { name: 'layer_start', step: 1, value: 1 },
      { name: 'layer_start', step: 21, value: 2 },
    ]);
    runs.finish(id, {
      status: 'succeeded',
      result: { initialLoss: 1, finalLoss: 0.025, circuits: 1234, keptFraction: 1, backend: null, parameters: [1, 2, 3] },
    });
    const html = text((await reports.build({ runId: id, format: 'html' })).bytes);
    expect(html).toContain('Loss per step');
    expect(html).toMatch(/<svg [^>]*>[\s\S]*layer 2[\s\S]*<\/svg>/);
    expect(html).toContain('<th scope="row">Final loss</th><td>0.025</td>');
    expect(externalReferences(html)).toEqual([]);
  });

  it('refuses a run that does not exist or has not ended, naming the run', async () => {
    const { runs, reports } = setup();
    await expect(reports.build({ runId: 99, format: 'html' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const id = runs.create({ kind: 'train', config: {} });
    const err = (await reports.build({ runId: id, format: 'html' }).catch((e: unknown) => e)) as LabError;
    expect(err).toBeInstanceOf(LabError);
    expect(err).toMatchObject({ code: 'CONFLICT', field: 'runId', value: id });
    expect(err.message).toMatch(/is queued: a report shows a finished run/);
    await expect(reports.build({ format: 'html' } as never)).rejects.toMatchObject({ code: 'VALIDATION', field: 'runId' });
    await expect(reports.build({ runId: id, comparisonId: 1, format: 'html' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'runId' });
    await expect(reports.build({ runId: id, format: 'docx' as never })).rejects.toMatchObject({ code: 'VALIDATION', field: 'format' });
  });
});

describe('recorded exports', () => {
  it('an app export keeps the file in the database: listed newest first, reopened byte for byte, deleted', async () => {
    const { runs, reports } = setup(async (html) => new TextEncoder().encode(`%PDF-1.4 fake of ${html.length} chars`));
    const e = recordFakeExperiment(runs, { methods: ['mean'], seeds: [1], dataset: { name: 'd' } });
    const html = await reports.export({ runId: e.id, format: 'html' });
    const pdf = await reports.export({ runId: e.id, format: 'pdf' });
    expect(reports.list(10).map((r) => [r.id, r.format, r.runId, r.stored, r.path])).toEqual([
      [pdf.id, 'pdf', e.id, true, null],
      [html.id, 'html', e.id, true, null],
    ]);
    const file = reports.file(html.id);
    expect(file.fileName).toBe(`run-${e.id}-d-mean-mcar-0-2-1-seeds.html`);
    expect(file.mediaType).toBe('text/html; charset=utf-8');
    expect(file.bytes.length).toBe(html.bytes);
    expect(text(file.bytes)).toMatch(/^<!doctype html>/);
    expect(Buffer.from(reports.fileBase64(pdf.id).base64, 'base64').toString()).toMatch(/^%PDF-1.4 fake of \d+ chars$/);
    reports.delete(html.id);
    expect(() => reports.file(html.id)).toThrow(/There is no report/);
    expect(reports.list(10).map((r) => r.id)).toEqual([pdf.id]);
  });

  it('a file export is written whole through a temporary file and recorded; an unwritable folder leaves neither', async () => {
    const { runs, reports } = setup();
    const e = recordFakeExperiment(runs, { methods: ['mean'], seeds: [1], dataset: { name: 'd' } });
    const out = temp.file('report.csv');
    const summary = await reports.exportToFile({ runId: e.id, format: 'csv' }, out);
    expect(summary).toMatchObject({ format: 'csv', path: out, stored: false, bytes: readFileSync(out).length });
    expect(text(reports.file(summary.id).bytes)).toBe(readFileSync(out, 'utf8'));

    const fs = mountTmpfs(temp.file('read-only'), 2 ** 20);
    if (typeof fs === 'string') return console.warn(`skipped the read-only half: ${fs}`);
    try {
      fs.readOnly();
      await expect(reports.exportToFile({ runId: e.id, format: 'html' }, `${fs.dir}/r.html`)).rejects.toMatchObject({ code: 'EROFS' });
      expect(readdirSync(fs.dir)).toEqual([]);
    } finally {
      fs.unmount();
    }
    expect(reports.list(10)).toHaveLength(1);
  });

  it('a report written to a file that is later moved says so when reopened', async () => {
    const { runs, reports } = setup();
    const e = recordFakeExperiment(runs, { methods: ['mean'], seeds: [1], dataset: { name: 'd' } });
    const out = temp.file('r.json');
    const summary = await reports.exportToFile({ runId: e.id, format: 'json' }, out);
    rmSync(out);
    expect(existsSync(out)).toBe(false);
    expect(() => reports.file(summary.id)).toThrow(/was written to .*r\.json, which can no longer be read \(ENOENT\): it was moved or deleted/);
  });

  it('PDF without a printer is refused with what to do, and nothing is recorded', async () => {
    const { runs, reports } = setup();
    const e = recordFakeExperiment(runs, { methods: ['mean'], seeds: [1], dataset: { name: 'd' } });
    await expect(reports.export({ runId: e.id, format: 'pdf' })).rejects.toMatchObject({ code: 'UNAVAILABLE', field: 'format' });
    expect(reports.list(10)).toEqual([]);
  });
});
