// Metric series in the experiment database. Points live in run_metrics, one row per (run, name, step): a step sent
// again (a run resumed from a checkpoint repeats the steps after it) replaces its value.
//
// A chart of a long series cannot scan its points: SQLite scans about 9 million index rows a second on a lab machine,
// so a 500,000-point series costs 55 ms before a byte is sent. Every write therefore also keeps a pyramid of tiles
// (run_metric_tiles): for tiles of 16, 64, 256, ... 1,048,576 steps, each tile's point count, nulls, first and last step,
// and the step and value of its minimum and maximum; one more level holds one tile per series (metric names, counts).
// A chart's step range is covered by the finest tiles of which there are at most TILES_PER_POINT per output point
// (finer tiles and raw points at its ragged ends), and each tile stands for its min and max points: the MinMax preselection
// of MinMaxLTTB (Van Der Donckt et al., 2023, "MinMaxLTTB: leveraging MinMax-preselection to scale LTTB"), which LTTB
// then reduces to the chart's points. A tile with nulls, and its neighbours, are read point by point: a gap is never
// bridged by a line, and each stretch of values keeps its own first and last point.
import type { MetricPoint } from '../../contract/run-protocol.ts';
import type { SeriesPoint } from '../../contract/runs.ts';
import type { Database } from './database.ts';
import { statementCache, type Statement } from './statements.ts';

/** Steps per tile at levels 0..8 (16 to 1,048,576): each level's tile is FANOUT tiles of the level below. */
const FANOUT = 4;
export const TILE_WIDTHS: readonly number[] = Array.from({ length: 9 }, (_, level) => 16 * FANOUT ** level);
/** The level with one tile (bucket 0) per series. */
export const SERIES_LEVEL = TILE_WIDTHS.length;
/**
 * At most this many tiles per output point. The finest level within it gives more than TILES_PER_POINT / FANOUT
 * tiles per point, so LTTB chooses among 1 to 4 preselected points (a tile's min and max) per output point.
 */
const TILES_PER_POINT = 2;
const ROWS_PER_INSERT = 64;

/** One tile as stored (raw row order of TILE_COLUMNS). */
type Tile = [
  bucket: number,
  n: number,
  nulls: number,
  firstStep: number,
  lastStep: number,
  minStep: number | null,
  minValue: number | null,
  maxStep: number | null,
  maxValue: number | null,
];
const TILE_COLUMNS = 'bucket, n, nulls, first_step, last_step, min_step, min_value, max_step, max_value';

const emptyTile = (bucket: number): Tile => [bucket, 0, 0, Infinity, -Infinity, null, null, null, null];

function addPoint(t: Tile, step: number, value: number | null): void {
  t[1]++;
  if (step < t[3]) t[3] = step;
  if (step > t[4]) t[4] = step;
  if (value === null) {
    t[2]++;
    return;
  }
  // Strict comparisons in step order: ties keep the earliest step.
  if (t[6] === null || value < t[6]) [t[5], t[6]] = [step, value];
  if (t[8] === null || value > t[8]) [t[7], t[8]] = [step, value];
}

function addTile(t: Tile, c: Tile): void {
  t[1] += c[1];
  t[2] += c[2];
  if (c[3] < t[3]) t[3] = c[3];
  if (c[4] > t[4]) t[4] = c[4];
  if (c[6] !== null && (t[6] === null || c[6] < t[6])) [t[5], t[6]] = [c[5], c[6]];
  if (c[8] !== null && (t[8] === null || c[8] > t[8])) [t[7], t[8]] = [c[7], c[8]];
}

/** Inclusive runs of consecutive numbers, merged and in order: [1, 2, 3, 7] -> [[1, 3], [7, 7]]. */
function consecutiveRuns(values: Iterable<number>): [number, number][] {
  return mergeRuns([...values].map((v): [number, number] => [v, v]));
}

function mergeRuns(runs: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [lo, hi] of runs.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** A stretch of a range: a tile lying inside it, or the points of a stretch no tile covers. */
type Part = { tile: Tile } | { points: SeriesPoint[] };

export interface Selection {
  /** Points of the series in the range. */
  total: number;
  /** Every point of the range, or (preselected) the range's first and last points and each tile's min and max. */
  points: SeriesPoint[];
  preselected: boolean;
}

export class MetricStore {
  private readonly sql: (text: string) => Statement;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** Writes points and refreshes the tiles they fall in. Call inside a transaction: points and tiles change together. */
  write(runId: number, points: readonly MetricPoint[], at: number): void {
    // Rows go in ROWS_PER_INSERT at a time: one call into SQLite per 64 points rather than per point (+20% points/s).
    const upsert = (rows: number) =>
      this.sql(
        `INSERT INTO run_metrics (run_id, name, step, value, at) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')} ` +
          'ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, at = excluded.at',
      );
    const args: unknown[] = [];
    const touched = new Map<string, number[]>(); // level-0 tiles per name
    for (const p of points) {
      args.push(runId, p.name, p.step, p.value !== null && Number.isFinite(p.value) ? p.value : null, at);
      if (args.length === ROWS_PER_INSERT * 5) {
        upsert(ROWS_PER_INSERT).run(args);
        args.length = 0;
      }
      let buckets = touched.get(p.name);
      if (!buckets) touched.set(p.name, (buckets = []));
      const b = Math.floor(p.step / TILE_WIDTHS[0]);
      if (buckets[buckets.length - 1] !== b) buckets.push(b);
    }
    if (args.length > 0) upsert(args.length / 5).run(args);
    for (const [name, buckets] of touched) this.refreshTiles(runId, name, buckets);
  }

  /** Deletes a run's points after `step` (a resumed run recomputes them), and refreshes its tiles. */
  deleteAfter(runId: number, step: number): void {
    for (const { name } of this.names(runId).filter((m) => m.lastStep > step)) {
      this.sql('DELETE FROM run_metrics WHERE run_id = ? AND name = ? AND step > ?').run(runId, name, step);
      TILE_WIDTHS.forEach((w, level) =>
        this.sql('DELETE FROM run_metric_tiles WHERE run_id = ? AND level = ? AND name = ? AND bucket > ?').run(runId, level, name, Math.floor(step / w)),
      );
      this.refreshTiles(runId, name, [Math.floor(step / TILE_WIDTHS[0])]);
    }
  }

  /** Recomputes the tiles over the given level-0 tiles at every level, from the points up (dropping emptied tiles). */
  refreshTiles(runId: number, name: string, level0: Iterable<number>): void {
    const width = TILE_WIDTHS[0];
    let built = new Map<number, Tile>();
    let runs = consecutiveRuns(level0);
    for (const [lo, hi] of runs) {
      for (const [step, value] of this.rawPoints(runId, name, lo * width, (hi + 1) * width - 1)) {
        const b = Math.floor(step / width);
        let t = built.get(b);
        if (!t) built.set(b, (t = emptyTile(b)));
        addPoint(t, step, value);
      }
    }
    this.saveTiles(runId, 0, name, runs, built.values());
    for (let level = 1; level <= SERIES_LEVEL; level++) {
      const series = level === SERIES_LEVEL;
      const parent = (b: number) => (series ? 0 : Math.floor(b / FANOUT));
      runs = mergeRuns(runs.map(([lo, hi]) => [parent(lo), parent(hi)]));
      built = new Map();
      for (const [lo, hi] of runs) {
        const children = this.tiles(runId, level - 1, name, series ? 0 : lo * FANOUT, series ? Number.MAX_SAFE_INTEGER : hi * FANOUT + FANOUT - 1);
        for (const c of children) {
          const b = parent(c[0]);
          let t = built.get(b);
          if (!t) built.set(b, (t = emptyTile(b)));
          addTile(t, c);
        }
      }
      this.saveTiles(runId, level, name, runs, built.values());
    }
  }

  /** Every metric of a run with its point count and first and last step, by name. */
  names(runId: number): { name: string; count: number; firstStep: number; lastStep: number }[] {
    return this.sql(
      `SELECT name, n AS count, first_step AS firstStep, last_step AS lastStep FROM run_metric_tiles WHERE run_id = ? AND level = ${SERIES_LEVEL} ORDER BY name`,
    ).all(runId) as { name: string; count: number; firstStep: number; lastStep: number }[];
  }

  /** The points of a series in [from, to], in step order. */
  rawPoints(runId: number, name: string, from: number, to: number): SeriesPoint[] {
    return this.sql('SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? AND step BETWEEN ? AND ? ORDER BY step')
      .raw()
      .all(runId, name, from, to) as SeriesPoint[];
  }

  /**
   * What to draw `maxPoints` points from, for the steps [from, to] of a series: every point when the range holds few
   * enough, else the MinMax preselection from the tiles (module comment), in step order.
   */
  select(runId: number, name: string, range: { from?: number; to?: number }, maxPoints: number): Selection {
    const series = this.tiles(runId, SERIES_LEVEL, name, 0, 0)[0];
    const from = Math.max(range.from ?? 0, series?.[3] ?? 0);
    const to = Math.min(range.to ?? Infinity, series?.[4] ?? -1);
    if (!series || from > to) return { total: 0, points: [], preselected: false };
    const target = TILES_PER_POINT * maxPoints;
    const span = to - from + 1;
    if (span <= target) {
      const points = this.rawPoints(runId, name, from, to);
      return { total: points.length, points, preselected: false };
    }
    const fit = TILE_WIDTHS.findIndex((w) => Math.ceil(span / w) <= target);
    const parts: Part[] = [];
    this.cover(runId, name, from, to, fit === -1 ? TILE_WIDTHS.length - 1 : fit, parts);
    const total = parts.reduce((sum, p) => sum + ('tile' in p ? p.tile[1] : p.points.length), 0);
    if (total <= maxPoints) return { total, points: this.rawPoints(runId, name, from, to), preselected: false };

    const out: SeriesPoint[] = [];
    const push = (p: SeriesPoint) => {
      const last = out[out.length - 1];
      if (!last || p[0] > last[0]) out.push(p);
    };
    const edge = (order: 'ASC' | 'DESC') =>
      this.sql(`SELECT step, value FROM run_metrics WHERE run_id = ? AND name = ? AND step BETWEEN ? AND ? ORDER BY step ${order} LIMIT 1`)
        .raw()
        .get(runId, name, from, to) as SeriesPoint;
    push(edge('ASC'));
    // A tile with nulls is read point by point, and so are its neighbours: a stretch of values then ends (and starts
    // again) at its very own points, where a tile's min and max would end it anywhere in the tile.
    const hasNulls = (p: Part | undefined) => p !== undefined && ('tile' in p ? p.tile[2] > 0 : p.points.some((q) => q[1] === null));
    parts.forEach((part, i) => {
      if ('points' in part) return part.points.forEach(push);
      const [, n, nulls, firstStep, lastStep, minStep, minValue, maxStep, maxValue] = part.tile;
      if (nulls === n) push([firstStep, null]);
      else if (nulls > 0 || hasNulls(parts[i - 1]) || hasNulls(parts[i + 1])) this.rawPoints(runId, name, firstStep, lastStep).forEach(push);
      else {
        const low: SeriesPoint = [minStep!, minValue];
        const high: SeriesPoint = [maxStep!, maxValue];
        for (const p of minStep! <= maxStep! ? [low, high] : [high, low]) push(p);
      }
    });
    push(edge('DESC'));
    return { total, points: out, preselected: true };
  }

  /** Covers [from, to] with the tiles of `level` that lie inside it, and its ends with finer tiles, then points. */
  private cover(runId: number, name: string, from: number, to: number, level: number, out: Part[]): void {
    if (from > to) return;
    if (level < 0) {
      out.push({ points: this.rawPoints(runId, name, from, to) });
      return;
    }
    const w = TILE_WIDTHS[level];
    const first = Math.ceil(from / w);
    const last = Math.floor((to + 1) / w) - 1;
    if (first > last) return this.cover(runId, name, from, to, level - 1, out);
    this.cover(runId, name, from, first * w - 1, level - 1, out);
    for (const tile of this.tiles(runId, level, name, first, last)) out.push({ tile });
    this.cover(runId, name, (last + 1) * w, to, level - 1, out);
  }

  private tiles(runId: number, level: number, name: string, fromBucket: number, toBucket: number): Tile[] {
    return this.sql(`SELECT ${TILE_COLUMNS} FROM run_metric_tiles WHERE run_id = ? AND level = ? AND name = ? AND bucket BETWEEN ? AND ? ORDER BY bucket`)
      .raw()
      .all(runId, level, name, fromBucket, toBucket) as Tile[];
  }

  /** Replaces the tiles of `level` in the bucket runs with `tiles`. */
  private saveTiles(runId: number, level: number, name: string, runs: readonly [number, number][], tiles: Iterable<Tile>): void {
    const clear = this.sql('DELETE FROM run_metric_tiles WHERE run_id = ? AND level = ? AND name = ? AND bucket BETWEEN ? AND ?');
    for (const [lo, hi] of runs) clear.run(runId, level, name, lo, hi);
    const save = this.sql(`INSERT INTO run_metric_tiles (run_id, level, name, ${TILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const t of tiles) save.run(runId, level, name, ...t);
  }
}
