import { describe, expect, it } from 'vitest';
import { applyImputer, fitImputer } from './imputer.ts';
import { syntheticIcu } from './synthetic-icu.ts';

describe('fit once, apply to new patients', () => {
  const patients = syntheticIcu(400, 9).dataset;

  it('an imputer fitted on a complete table (modelAllColumns) fills new patients with its models, not only means', async () => {
    const complete = (await fitImputer(patients, { method: 'mice', seed: 1 })).completed;
    const fitted = await fitImputer(complete, { method: 'mice', seed: 1, modelAllColumns: true });
    expect(fitted.stopReason).toBe('no-missing');
    expect(new Set(fitted.model.steps.map((s) => s.column)).size).toBe(fitted.model.columns.length);
    const incoming = syntheticIcu(50, 10).dataset;
    const applied = await applyImputer(JSON.parse(JSON.stringify(fitted.model)), incoming);
    expect(applied.warnings).toEqual([]);
    let modelled = 0;
    applied.completed.columns.forEach((c, j) => {
      const saved = fitted.model.columns.find((s) => s.name === c.name);
      c.values.forEach((v, i) => {
        if (incoming.columns[j].values[i] === incoming.columns[j].values[i] || !saved) return;
        expect(Number.isFinite(v)).toBe(true);
        if (Math.abs(v - saved.initial) > 1e-9) modelled++;
      });
    });
    expect(modelled).toBeGreaterThan(50);
  });

  it("without models for complete columns, their new missing cells get the fit's mean, with a warning", async () => {
    const complete = (await fitImputer(patients, { method: 'mean' })).completed;
    const fitted = await fitImputer(complete, { method: 'mice', seed: 1 });
    const incoming = syntheticIcu(50, 10).dataset;
    const applied = await applyImputer(fitted.model, incoming);
    expect(applied.warnings.join(' ')).toMatch(/"lactate" had no missing cells when the imputer was fitted, so it has no model/);
  });
});
