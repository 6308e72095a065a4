import { describe, expect, it } from 'vitest';
import { meanSd } from '../metrics/summary.ts';
import { syntheticIcu } from './synthetic-icu.ts';

describe('synthetic ICU generator', () => {
  const { dataset, source } = syntheticIcu(5000, 7);
  const col = (name: string) => dataset.columns.find((c) => c.name === name)!.values;

  it('says it is synthetic and has the MIMIC-III-like columns, seeded', () => {
    expect(source).toMatch(/^SYNTHETIC ICU data .*no real patients/);
    expect(dataset.columns.map((c) => c.name)).toEqual([
      'id',
      'age',
      'heart_rate',
      'sbp',
      'dbp',
      'resp_rate',
      'temperature',
      'spo2',
      'glucose',
      'gcs',
      'creatinine',
      'bun',
      'wbc',
      'hemoglobin',
      'platelets',
      'sodium',
      'potassium',
      'bicarbonate',
      'lactate',
      'death',
    ]);
    expect(Array.from(syntheticIcu(50, 7).dataset.columns[3].values)).toEqual(Array.from(syntheticIcu(50, 7).dataset.columns[3].values));
    expect(() => syntheticIcu(0, 1)).toThrow(/rows must be an integer between 1/);
  });

  it('has realistic ranges and an in-hospital mortality near 12%', () => {
    const within = (name: string, lo: number, hi: number) => col(name).every((v) => v !== v || (v >= lo && v <= hi));
    expect(within('gcs', 3, 15) && within('spo2', 60, 100) && within('age', 18, 95) && within('temperature', 33, 42)).toBe(true);
    expect(col('sbp').every((v, i) => v !== v || col('dbp')[i] !== col('dbp')[i] || col('dbp')[i] < v)).toBe(true);
    const mortality = meanSd(col('death')).mean;
    expect(mortality).toBeGreaterThan(0.08);
    expect(mortality).toBeLessThan(0.2);
  });

  it('correlates through severity and organ systems; death follows severity', () => {
    const corr = (a: Float64Array, b: Float64Array) => {
      const idx = [...a.keys()].filter((i) => a[i] === a[i] && b[i] === b[i]);
      const ma = meanSd(idx.map((i) => a[i])),
        mb = meanSd(idx.map((i) => b[i]));
      return idx.reduce((s, i) => s + (a[i] - ma.mean) * (b[i] - mb.mean), 0) / ((idx.length - 1) * ma.sd * mb.sd);
    };
    expect(corr(col('sbp'), col('dbp'))).toBeGreaterThan(0.4);
    expect(corr(col('lactate'), col('bicarbonate'))).toBeLessThan(-0.1);
    expect(corr(col('gcs'), col('death'))).toBeLessThan(-0.1);
  });

  it('has realistic missingness: labs missing together, more often for the less severe; vitals rarely', () => {
    const missing = (name: string) => col(name).map((v) => (v !== v ? 1 : 0));
    const bun = missing('bun'),
      creat = missing('creatinine');
    const both = bun.reduce((s, v, i) => s + (v && creat[i] ? 1 : 0), 0);
    expect(both / creat.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.7);
    expect(meanSd(missing('heart_rate')).mean).toBeLessThan(0.03);
    expect(meanSd(missing('lactate')).mean).toBeGreaterThan(0.3);
    // Labs are missing more often among survivors (less severe) than among deaths.
    const death = col('death');
    const rate = (d: number) => meanSd(Array.from(creat).filter((_, i) => death[i] === d)).mean;
    expect(rate(0)).toBeGreaterThan(rate(1) + 0.05);
  });
});
