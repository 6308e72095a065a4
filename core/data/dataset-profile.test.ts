import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { histogramOf, parseCsv, profileDataset, profileDatasetAsync, sampleRows } from './index.ts';
import type { Dataset } from './index.ts';
import { pbcText } from '../../test-support/files.ts';

const pbc = pbcText();
// An independent reading of the same file: papaparse with header rows, plain arrays, textbook formulas.
const raw = Papa.parse<Record<string, string>>(pbc.trim(), { header: true }).data;
const names = Object.keys(raw[0]);

function observed(name: string): number[] {
  return raw
    .map((r) => r[name])
    .filter((s) => s !== '' && s !== 'NA')
    .map(Number);
}

describe('profiling pbc.csv', () => {
  const d = parseCsv(pbc);
  const p = profileDataset(d);

  it('counts rows, columns and missing cells', () => {
    expect(p.rows).toBe(418);
    expect(p.columns).toBe(20);
    expect(p.missingCells).toBe(1033);
    for (const c of p.columnProfiles) {
      expect(c.missing, c.name).toBe(raw.filter((r) => r[c.name] === '').length);
    }
  });

  it('matches independently computed statistics for every numeric and binary column', () => {
    for (const c of p.columnProfiles) {
      if (c.type === 'categorical') continue;
      const xs = observed(c.name);
      const n = xs.length;
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      const s = [...xs].sort((a, b) => a - b);
      const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
      expect(c.stats, c.name).not.toBeNull();
      expect(c.stats!.min).toBe(Math.min(...xs));
      expect(c.stats!.max).toBe(Math.max(...xs));
      expect(c.stats!.mean).toBeCloseTo(mean, 9);
      expect(c.stats!.sd).toBeCloseTo(sd, 9);
      expect(c.stats!.median).toBe(median);
      expect(c.distinct).toBe(new Set(xs).size);
      if (c.histogram) {
        expect(c.histogram.counts.reduce((a, b) => a + b, 0)).toBe(n);
        expect(c.histogram.edges).toHaveLength(c.histogram.counts.length + 1);
        expect(c.histogram.edges[0]).toBe(c.stats!.min);
        expect(c.histogram.edges.at(-1)).toBe(c.stats!.max);
      }
    }
    expect(p.columnProfiles.find((c) => c.name === 'bili')!.histogram!.counts).toHaveLength(20);
    expect(p.columnProfiles.find((c) => c.name === 'stage')!.histogram!.counts).toEqual([21, 92, 155, 144]);
  });

  it('counts categories, most frequent first', () => {
    const sex = p.columnProfiles.find((c) => c.name === 'sex')!;
    expect(sex.stats).toBeNull();
    expect(sex.histogram).toBeNull();
    expect(sex.categories).toEqual([
      { value: 'f', count: raw.filter((r) => r.sex === 'f').length },
      { value: 'm', count: raw.filter((r) => r.sex === 'm').length },
    ]);
    const death = p.columnProfiles.find((c) => c.name === 'death')!;
    expect(death.categories).toEqual([
      { value: '0', count: raw.filter((r) => r.death === '0').length },
      { value: '1', count: raw.filter((r) => r.death === '1').length },
    ]);
  });

  it('finds the missingness patterns', () => {
    const counts = new Map<string, number>();
    for (const r of raw) {
      const key = names.flatMap((nm, j) => (r[nm] === '' ? [j] : [])).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    expect(p.patterns[0]).toEqual({ columns: [], count: counts.get('') });
    expect(p.patterns.length).toBe(Math.min(20, counts.size));
    for (const pat of p.patterns) expect(pat.count).toBe(counts.get(pat.columns.join(',')));
    expect(p.patterns.map((x) => x.count)).toEqual(expected.slice(0, p.patterns.length).map((e) => e[1]));
    expect(p.patternCount).toBe(counts.size);
  });

  it("samples the matrix to 400 of its 418 rows, each row's missing columns exact", () => {
    expect(p.missingness.sampled).toBe(true);
    expect(p.missingness.rows).toHaveLength(400);
    p.missingness.rows.forEach((r, k) => expect(p.missingness.missing[k]).toEqual(names.flatMap((nm, j) => (raw[r][nm] === '' ? [j] : []))));
    const small = profileDataset(d, { maxMatrixRows: 1000 }).missingness;
    expect(small.sampled).toBe(false);
    expect(small.rows).toEqual(Array.from({ length: 418 }, (_, i) => i));
  });
});

describe('profiling large tables', () => {
  it('samples the missingness matrix evenly and deterministically', () => {
    const n = 1000;
    const a = new Float64Array(n).map((_, i) => (i % 3 === 0 ? NaN : i));
    const d: Dataset = {
      rows: n,
      delimiter: ',',
      missingTokens: [],
      warnings: [],
      columns: [{ name: 'a', type: 'numeric', role: 'feature', values: a, categories: null }],
    };
    const p = profileDataset(d);
    expect(p.missingness.sampled).toBe(true);
    expect(p.missingness.rows).toHaveLength(400);
    expect(p.missingness.rows.slice(0, 5)).toEqual([0, 2, 5, 7, 10]);
    expect(p.missingness.rows).toEqual(sampleRows(n, 400));
    p.missingness.rows.forEach((r, k) => expect(p.missingness.missing[k]).toEqual(r % 3 === 0 ? [0] : []));
    expect(profileDataset(d)).toEqual(p);
  });

  it('finds patterns the same way in tables wider than 52 columns', () => {
    const ncol = 60;
    const n = 50;
    const columns = Array.from({ length: ncol }, (_, j) => ({
      name: `c${j}`,
      type: 'numeric' as const,
      role: 'feature' as const,
      categories: null,
      values: new Float64Array(n).map((_, i) => ((i * (j + 1)) % 7 === 0 && j % 10 === 3 ? NaN : i + j)),
    }));
    const wide: Dataset = { rows: n, delimiter: ',', missingTokens: [], warnings: [], columns };
    const expected = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = columns.flatMap((c, j) => (Number.isNaN(c.values[i]) ? [j] : [])).join(',');
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const wp = profileDataset(wide).patterns;
    expect(wp.reduce((a, p) => a + p.count, 0)).toBe(
      Math.min(
        n,
        [...expected.values()]
          .sort((a, b) => b - a)
          .slice(0, 20)
          .reduce((a, b) => a + b, 0),
      ),
    );
    for (const p of wp) expect(p.count).toBe(expected.get(p.columns.join(',')));
    expect(wp.some((p) => p.columns.includes(53))).toBe(true); // a column beyond 52 shows up
    expect(wp.map((p) => p.count)).toEqual([...expected.values()].sort((a, b) => b - a).slice(0, 20));
  });

  it('counts every distinct pattern, far more than the 20 it keeps (a table with thousands)', () => {
    // 12 columns, row i missing the columns of the bits of (i * 2654435761) mod 4096: at most 4096 patterns, counted
    // here independently of the profiler.
    const n = 20_000;
    const ncol = 12;
    const mask = (i: number) => Number((BigInt(i) * 2654435761n) % 4096n);
    const columns = Array.from({ length: ncol }, (_, j) => ({
      name: `c${j}`,
      type: 'numeric' as const,
      role: 'feature' as const,
      categories: null,
      values: new Float64Array(n).map((_, i) => ((mask(i) >> j) & 1 ? NaN : i)),
    }));
    const distinct = new Set(Array.from({ length: n }, (_, i) => mask(i))).size;
    expect(distinct).toBeGreaterThan(1000);
    const p = profileDataset({ rows: n, delimiter: ',', missingTokens: [], warnings: [], columns });
    expect(p.patterns).toHaveLength(20);
    expect(p.patternCount).toBe(distinct);
  });

  it('bins a histogram with the maximum in the last bin, a constant column in one bin', () => {
    expect(histogramOf(new Float64Array([0, 1, 2, 3, 4]), 2)).toEqual({ edges: [0, 2, 4], counts: [2, 3] });
    expect(histogramOf(new Float64Array([5, 5, 5]), 20)).toEqual({ edges: [4.5, 5.5], counts: [3] });
  });

  it('gives null statistics for an all-missing column', () => {
    const d = parseCsv('a,b\n1,\n2,NA\n');
    const b = profileDataset(d).columnProfiles[1];
    expect(b).toMatchObject({ missing: 2, distinct: 0, stats: null, histogram: null, categories: null });
  });
});

describe('profiling in steps (profileDatasetAsync: progress and cancel in a worker)', () => {
  // 40 columns of 100,000 rows with missing cells: each column's sort takes a few milliseconds.
  const rows = 100_000;
  const wide: Dataset = {
    rows,
    delimiter: ',',
    missingTokens: [],
    warnings: [],
    columns: Array.from({ length: 40 }, (_, j) => ({
      name: `c${j}`,
      type: 'numeric' as const,
      role: 'feature' as const,
      categories: null,
      values: Float64Array.from({ length: rows }, (_, i) => ((i * (j + 3)) % 17 === 0 ? NaN : Math.sin(i * (j + 1)))),
    })),
  };

  it('gives the profile profileDataset gives, reporting a rising fraction', async () => {
    const seen: number[] = [];
    const profile = await profileDatasetAsync(wide, {}, { onProgress: (f) => seen.push(f) });
    expect(profile).toEqual(profileDataset(wide));
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen[seen.length - 1]).toBeLessThan(1);
  });

  it('stops with CANCELLED between columns once its signal fires', async () => {
    const controller = new AbortController();
    const run = profileDatasetAsync(wide, {}, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
