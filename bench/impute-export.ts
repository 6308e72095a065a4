// Dev tool (not a test, not in CI): exports the masked tables and masks of the benchmark experiments (pbc and the
// synthetic ICU set, 20% MCAR, seeds 1..5) and QNN Lab's own scores on them, for bench/sklearn_compare.py to run
// scikit-learn's IterativeImputer on exactly the same cells.
//   npx tsx bench/impute-export.ts [OUT_DIR]      (default /tmp/qnnlab-impute-compare)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../core/data/csv.ts';
import type { Dataset } from '../core/data/types.ts';
import { runExperiment, selectColumns, maskTable, syntheticIcu } from '../core/impute/index.ts';

const out = process.argv[2] ?? '/tmp/qnnlab-impute-compare';
mkdirSync(out, { recursive: true });
const seeds = [1, 2, 3, 4, 5];
const methods = (process.env.METHODS ?? 'mean,mice,missforest,deep-mice').split(',');
const sets: { name: string; table: Dataset; exclude: string[] }[] = [
  { name: 'pbc', table: parseCsv(readFileSync(new URL('../resources/samples/pbc.csv', import.meta.url), 'utf8')), exclude: ['time'] },
  { name: 'synthetic', table: syntheticIcu(1000, 1).dataset, exclude: [] },
];

for (const set of sets) {
  const { active } = selectColumns(set.table, { exclude: set.exclude, outcome: 'death' });
  const header = active.map((c) => c.name).join(',');
  const csv = (t: Dataset) =>
    [
      header,
      ...Array.from({ length: t.rows }, (_, i) =>
        active
          .map((c) => {
            const v = t.columns[c.index].values[i];
            return v === v ? String(v) : '';
          })
          .join(','),
      ),
    ].join('\n') + '\n';
  writeFileSync(join(out, `${set.name}-original.csv`), csv(set.table));
  writeFileSync(join(out, `${set.name}-columns.json`), JSON.stringify(active.map((c) => ({ name: c.name, kind: c.target.kind }))));
  for (const seed of seeds) {
    const mask = maskTable(set.table, { mechanism: 'mcar', rate: 0.2, seed, exclude: set.exclude, outcome: 'death' });
    writeFileSync(join(out, `${set.name}-seed${seed}-masked.csv`), csv(mask.masked));
  }
  const t0 = performance.now();
  const report = await runExperiment(set.table, { outcome: 'death', exclude: set.exclude, methods, mask: { mechanism: 'mcar', rate: 0.2 }, seeds });
  process.stderr.write(`${set.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  writeFileSync(
    join(out, `${set.name}-qnnlab.json`),
    JSON.stringify(report.results.map((r) => ({ seed: r.seed, method: r.method, nrmse: r.nrmse, pfc: r.pfc, auc: r.auc, seconds: r.seconds }))),
  );
}
process.stderr.write(`wrote ${out}\n`);
