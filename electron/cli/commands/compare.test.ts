import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../backend/db/database.ts';
import { ComparisonService } from '../../backend/services/comparisons.ts';
import { RunService } from '../../backend/services/runs.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { recordFakeExperiment } from '../../../test-support/experiment-runs.ts';
import type { ComparisonDetail } from '../../contract/comparisons.ts';
import { runQnnlab } from '../test-io.ts';

const tmp = useTempDir('qnnlab-compare-cli-');
let db: string;
let experimentId: number;

beforeEach(() => {
  db = join(tmp.path, 'lab.db');
  const handle = openDatabase(db);
  try {
    experimentId = recordFakeExperiment(new RunService(handle, '0.1.0'), { methods: ['mice', 'qnn-mice'], seeds: [1, 2, 3, 4], dataset: { name: 'pbc' } }).id;
  } finally {
    handle.close();
  }
});

function stored(): ComparisonDetail[] {
  const handle = openDatabase(db);
  try {
    const service = new ComparisonService(handle, new RunService(handle, '0.1.0'), '0.1.0');
    return service.list().map((c) => service.get({ id: c.id }));
  } finally {
    handle.close();
  }
}

describe('qnnlab compare', () => {
  it('prints each pair for a metric, and with --save stores the statistics it printed', async () => {
    const r = await runQnnlab('compare', '--runs', String(experimentId), '--save', 'pbc: QNN vs MICE', '--db', db);
    expect(r.code, r.stderr).toBe(0);
    const [saved] = stored();
    expect(r.stdout).toMatch(
      new RegExp(`^saved as comparison ${saved.id}: pbc: QNN vs MICE\\nauc, first minus second:\\n  mice vs qnn-mice \\[QNN\\] \\(4 seeds\\): difference `),
    );
    const auc = saved.statistics.pairs[0].metrics.find((m) => m.metric === 'auc')!;
    expect(r.stdout).toContain(`t p ${Number(auc.pairedT.p!.toPrecision(4))}, Wilcoxon p ${Number(auc.wilcoxon.p!.toPrecision(4))}`);
    const json = await runQnnlab('compare', '--runs', String(experimentId), '--json', '--db', db);
    expect(JSON.parse(json.stdout).pairs[0].metrics.find((m: { metric: string }) => m.metric === 'auc').pairedT.p).toBe(auc.pairedT.p);
  });

  it('refuses a bad id, an unknown run and an unshared metric by name, saving nothing', async () => {
    const bad = await runQnnlab('compare', '--runs', 'x', '--db', db);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--runs: "x" is not a run id')]);
    const unknown = await runQnnlab('compare', '--runs', `${experimentId},999`, '--db', db);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('Run 999 does not exist')]);
    const metric = await runQnnlab('compare', '--runs', String(experimentId), '--metric', 'loss', '--save', 'x', '--db', db);
    expect([metric.code, metric.stderr]).toEqual([2, expect.stringContaining('--metric loss: not a metric these methods share; choose one of auc')]);
    expect(stored()).toEqual([]);
  });
});
