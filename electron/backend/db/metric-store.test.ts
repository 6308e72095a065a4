import { beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../contract/run-protocol.ts';
import type { SeriesPoint } from '../../contract/runs.ts';
import { useTempDatabase } from '../../../test-support/database.ts';
import { writeTransaction, type Database } from './database.ts';
import { MetricStore, SERIES_LEVEL, TILE_WIDTHS } from './metric-store.ts';

const lab = useTempDatabase('qnnlab-metrics-');
let db: Database;
let store: MetricStore;
let runId: number;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the database should hold: name -> step -> value, kept by the test on its own. */
type Model = Map<string, Map<number, number | null>>;

function write(model: Model, points: MetricPoint[]): void {
  writeTransaction(db, () => store.write(runId, points, 1));
  for (const p of points) {
    if (!model.has(p.name)) model.set(p.name, new Map());
    model.get(p.name)!.set(p.step, p.value !== null && Number.isFinite(p.value) ? p.value : null);
  }
}

/** Every tile of every level, computed from the model by brute force: counts, ends, min and max (earliest on ties). */
function expectedTiles(model: Model): unknown[] {
  const out: unknown[] = [];
  for (const [name, series] of [...model].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const steps = [...series.keys()].sort((a, b) => a - b);
    for (let level = 0; level <= SERIES_LEVEL; level++) {
      const bucketOf = (s: number) => (level === SERIES_LEVEL ? 0 : Math.floor(s / TILE_WIDTHS[level]));
      const groups = new Map<number, number[]>();
      for (const s of steps) groups.set(bucketOf(s), [...(groups.get(bucketOf(s)) ?? []), s]);
      for (const [bucket, group] of groups) {
        const values = group.filter((s) => series.get(s) !== null);
        const byValue = (sign: number) =>
          values.reduce<number | null>((best, s) => (best === null || sign * series.get(s)! > sign * series.get(best)! ? s : best), null);
        const [min, max] = [byValue(-1), byValue(1)];
        out.push({
          name,
          level,
          bucket,
          n: group.length,
          nulls: group.length - values.length,
          first_step: group[0],
          last_step: group[group.length - 1],
          min_step: min,
          min_value: min === null ? null : series.get(min),
          max_step: max,
          max_value: max === null ? null : series.get(max),
        });
      }
    }
  }
  return out;
}

const storedTiles = () =>
  db
    .prepare(
      'SELECT name, level, bucket, n, nulls, first_step, last_step, min_step, min_value, max_step, max_value FROM run_metric_tiles WHERE run_id = ? ORDER BY name, level, bucket',
    )
    .all(runId);

/** Consecutive values of `points` that enclose a null of the series: a line that would cross a gap. */
function bridgedGaps(series: Map<number, number | null>, points: readonly SeriesPoint[]): [number, number][] {
  const nulls = [...series].filter(([, v]) => v === null).map(([s]) => s);
  const out: [number, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    if (a[1] !== null && b[1] !== null && nulls.some((s) => s > a[0] && s < b[0])) out.push([a[0], b[0]]);
  }
  return out;
}

beforeEach(() => {
  db = lab.db;
  store = new MetricStore(db);
  runId = Number(db.prepare("INSERT INTO runs (kind, created_at, app_version, core_version) VALUES ('train', 'x', '0', '0')").run().lastInsertRowid);
});

describe('MetricStore', () => {
  it('keeps every tile equal to its points through appends, out-of-order and repeated steps, nulls and a cut', () => {
    const rand = mulberry32(11);
    const model: Model = new Map();
    const value = () => (rand() < 0.05 ? null : Math.round(rand() * 1000) / 10);
    // A worker's batches: step by step, two metrics, some values missing.
    for (let from = 0; from < 6_000; from += 1_500) {
      write(
        model,
        Array.from({ length: 1_500 }, (_, i) => [
          { name: 'loss', step: from + i, value: value() },
          { name: 'acc', step: from + i, value: value() },
        ]).flat(),
      );
    }
    expect(storedTiles()).toEqual(expectedTiles(model));
    // Steps sent again (new values, one now NaN), steps far ahead (other tiles at every level), one out of order.
    write(model, [
      { name: 'loss', step: 17, value: -5 },
      { name: 'loss', step: 4_000, value: NaN },
      { name: 'loss', step: 2_000_000, value: 3 },
      { name: 'acc', step: 300_001, value: 1e9 },
      { name: 'acc', step: 12, value: 7 },
    ]);
    expect(storedTiles()).toEqual(expectedTiles(model));
    // A resume from step 2,500: the points after it go, emptied tiles with them.
    writeTransaction(db, () => store.deleteAfter(runId, 2_500));
    for (const series of model.values()) for (const step of series.keys()) if (step > 2_500) series.delete(step);
    expect(storedTiles()).toEqual(expectedTiles(model));
    write(model, [{ name: 'loss', step: 2_501, value: 1 }]);
    expect(storedTiles()).toEqual(expectedTiles(model));
    expect(store.names(runId)).toEqual([
      { name: 'acc', count: 2_501, firstStep: 0, lastStep: 2_500 },
      { name: 'loss', count: 2_502, firstStep: 0, lastStep: 2_501 },
    ]);
    // A cut before every point leaves nothing of the series.
    writeTransaction(db, () => store.deleteAfter(runId, -1));
    expect(storedTiles()).toEqual([]);
    expect(store.names(runId)).toEqual([]);
  });

  it('preselects from tiles: every point real and in order, the range ends, its min and max, the exact total, no gap bridged', () => {
    const rand = mulberry32(5);
    const model: Model = new Map();
    // 200,000 steps of a noisy decay with two stretches of nulls and a lone null.
    let y = 1;
    const points: MetricPoint[] = [];
    for (let step = 0; step < 200_000; step++) {
      y += (rand() - 0.5) * 0.01;
      const gap = (step >= 50_000 && step < 50_300) || (step >= 120_000 && step < 120_002) || step === 150_017;
      points.push({ name: 'loss', step, value: gap ? null : y });
    }
    for (let i = 0; i < points.length; i += 20_000) write(model, points.slice(i, i + 20_000));
    const series = model.get('loss')!;
    for (const [from, to, maxPoints] of [
      [undefined, undefined, 500],
      [12_345, 187_654, 500],
      [49_990, 50_400, 10],
      [100_003, 160_001, 2_000],
    ] as const) {
      const selection = store.select(runId, 'loss', { from, to }, maxPoints);
      const inRange = [...series].filter(([s]) => s >= (from ?? 0) && s <= (to ?? Infinity));
      expect(selection.total).toBe(inRange.length);
      expect(selection.preselected).toBe(true);
      const steps = selection.points.map((p) => p[0]);
      expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
      expect(selection.points.every(([s, v]) => series.has(s) && (v === null || series.get(s) === v))).toBe(true);
      expect(selection.points[0]).toEqual(inRange[0]);
      expect(selection.points.at(-1)).toEqual(inRange.at(-1));
      const values = inRange.flatMap(([, v]) => (v === null ? [] : [v]));
      const shown = selection.points.map((p) => p[1]);
      expect(shown).toContain(values.reduce((a, b) => Math.min(a, b)));
      expect(shown).toContain(values.reduce((a, b) => Math.max(a, b)));
      expect(bridgedGaps(series, selection.points)).toEqual([]);
      expect(selection.points.length).toBeGreaterThan(maxPoints);
    }
    // From tiles, not points: 200,000 steps for 500 points are 782 tiles of 256 steps (1,564 min and max points),
    // plus the points of the 10 tiles at and beside the 3 gaps (2,560).
    expect(store.select(runId, 'loss', {}, 500).points.length).toBeLessThan(4_200);
    // A range that holds few steps is read as it is.
    const few = store.select(runId, 'loss', { from: 1_000, to: 1_999 }, 500);
    expect(few).toEqual({ total: 1_000, points: [...series].filter(([s]) => s >= 1_000 && s <= 1_999), preselected: false });
    expect(store.select(runId, 'nope', {}, 500)).toEqual({ total: 0, points: [], preselected: false });
    expect(store.select(runId, 'loss', { from: 300_000 }, 500)).toEqual({ total: 0, points: [], preselected: false });
  });

  it('reads a sparse series (every 1,000th step) as it is when it fits, and preselects when it does not', () => {
    const model: Model = new Map();
    write(
      model,
      Array.from({ length: 3_000 }, (_, i) => ({ name: 'auc', step: i * 1_000, value: Math.sin(i / 10) })),
    );
    const all = [...model.get('auc')!];
    expect(store.select(runId, 'auc', {}, 3_000)).toEqual({ total: 3_000, points: all, preselected: false });
    const selection = store.select(runId, 'auc', {}, 1_000);
    expect(selection.total).toBe(3_000);
    expect(selection.points.length).toBeGreaterThan(1_000);
    expect(selection.points.every(([s, v]) => model.get('auc')!.get(s) === v)).toBe(true);
  });
});
