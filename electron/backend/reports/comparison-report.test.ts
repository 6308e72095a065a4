// A saved comparison's report shows the statistics the comparison stored, never recomputed.
import { describe, expect, it } from 'vitest';
import type { ComparisonStatistics } from '../../contract/comparisons.ts';
import { formatNumber } from '../../../renderer/src/lib/format.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { recordFakeExperiment } from '../../../test-support/experiment-runs.ts';
import { ComparisonService } from '../services/comparisons.ts';
import { DatasetService } from '../services/datasets.ts';
import { RunService } from '../services/runs.ts';
import { externalReferences } from './document.ts';
import { ReportService } from './service.ts';

const temp = useTempDatabase('qnnlab-comparison-report-');

function setup() {
  const runs = new RunService(temp.db, '0.1.0-test');
  const datasets = new DatasetService(temp.db);
  const comparisons = new ComparisonService(temp.db, runs, '0.1.0-test');
  return { runs, comparisons, reports: new ReportService({ db: temp.db, runs, datasets, comparisons, version: '0.1.0-test' }) };
}

const html = async (reports: ReportService, comparisonId: number) => new TextDecoder().decode((await reports.build({ comparisonId, format: 'html' })).bytes);
const stored = (id: number) =>
  JSON.parse((temp.db.prepare('SELECT statistics FROM comparisons WHERE id = ?').get(id) as { statistics: string }).statistics) as ComparisonStatistics;

describe('comparison reports', () => {
  it('show each pair’s stored tests, the stored per-seed values and the Compare page’s charts, with no external reference', async () => {
    const { runs, comparisons, reports } = setup();
    const e = recordFakeExperiment(runs, { methods: ['mean', 'mice', 'qnn-mice'], seeds: [1, 2, 3, 4, 5], dataset: { name: 'pbc', source: 'bundled sample' } });
    const saved = comparisons.save({ name: 'QNN vs classical', runs: [e.id] });
    // Numbers only this database holds: if the report recomputed anything, it would not show these.
    const stats = stored(saved.id);
    stats.pairs[0].metrics[0].wilcoxon.p = 0.0123456;
    stats.pairs[0].metrics[0].pairedT.ci = [-0.0424242, 0.0171717];
    stats.pairs[0].metrics[0].pitmanMorgan.ratio = 3.14159;
    temp.db.prepare('UPDATE comparisons SET statistics = ? WHERE id = ?').run(JSON.stringify(stats), saved.id);

    const page = await html(reports, saved.id);
    const first = stats.pairs[0];
    const label = (key: string) => stats.methods.find((m) => m.key === key)!.label;
    const table = page.split('<table').find((t) => t.includes(`<caption>${label(first.a)} vs ${label(first.b)}</caption>`))!;
    const row = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => m[1]).find((r) => r.startsWith(`<td>${first.metrics[0].metric}</td>`));
    expect(row).toBeDefined();
    expect(row).toContain(`data-value="0.0123456">${formatNumber(0.0123456)}</td>`);
    expect(row).toContain(`<td>[${formatNumber(-0.0424242)}, ${formatNumber(0.0171717)}]</td>`);
    expect(row).toContain(`data-value="3.14159">${formatNumber(3.14159)}</td>`);
    // Every pair and tested metric has its row; every method's per-seed values are those stored.
    const testRows = page
      .split('<table')
      .filter((t) => / vs [^<]*<\/caption>/.test(t))
      .flatMap((t) => t.match(/<tr><td>/g) ?? []);
    expect(testRows).toHaveLength(stats.pairs.reduce((n, p) => n + p.metrics.length, 0));
    for (const m of stats.methods) {
      for (const v of m.values.nrmse) expect(page).toContain(`data-value="${v}"`);
    }
    expect(page.match(/<svg /g)?.length).toBe(2);
    expect(page).toContain('NRMSE per column');
    expect(page).toContain('AUC over seeds');
    expect(page).toContain('<td>qnn-mice</td><td>QNN</td>');
    expect(externalReferences(page)).toEqual([]);
  });

  it('says which runs were deleted, and refuses an unknown comparison naming comparisonId', async () => {
    const { runs, comparisons, reports } = setup();
    const a = recordFakeExperiment(runs, { methods: ['mean', 'mice'], seeds: [1, 2, 3], dataset: { name: 'pbc' } });
    const saved = comparisons.save({ name: 'two', runs: [a.id] });
    runs.delete(a.id);
    const page = await html(reports, saved.id);
    expect(page).toContain(`Warning: Runs ${a.id} were deleted after the comparison was saved`);
    expect(page).toContain('Every compared run has been deleted');
    await expect(reports.build({ comparisonId: 999, format: 'html' })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'comparisonId' });
    const csv = new TextDecoder().decode((await reports.build({ comparisonId: saved.id, format: 'csv' })).bytes);
    expect(csv.split('\n').filter((l) => l.includes(',nrmse,0,'))).toHaveLength(6);
  });
});
