// Random forests (Breiman 2001) as R's randomForest grows them for missForest: each tree on a bootstrap sample of the
// rows, at every node `mtry` candidate predictors drawn without replacement, the best split among them (variance
// reduction for a numeric target, Gini for a categorical one) at the midpoint between two observed values; a node is
// split while it holds more than `nodesize` samples, is not pure, and one of its candidates separates it. Regression
// predicts the mean over trees, classification the majority vote; the out-of-bag error is available.
//
// Written here rather than taken from ml-random-forest: that library draws the feature subset once per tree (a random
// subspace), not per split as Breiman's forests and missForest do, and sorts the node's samples for every candidate
// feature at every node. Here every predictor is sorted once per forest; each tree keeps, per predictor, its bootstrap
// sample in sorted order and partitions those lists stably at each split (linear work per level, no sorting).
// Measured once on a pbc-sized column (300 rows x 16 predictors, 100 trees, CPU time on a loaded 2-core machine): 0.14 s
// here; ml-random-forest 2.1.0 took 1.6 s with 4 features per tree (and a 29% larger test error) and 5.1 s with all.
import { z } from 'zod';
import { createRng, deriveSeed, type Rng } from '../random.ts';
import {
  argmax,
  type ColumnModelSpec,
  type FittedColumnModel,
  type ModelContext,
  type ModelTarget,
  type SavedColumnModel,
  ZERO_COST,
  damagedModel,
  decodeSavedArray,
  parseSavedState,
} from './column-model.ts';
import { Pacer } from '../pacer.ts';
import { encodeFloat64, encodeInt32 } from './typed-json.ts';

export interface ForestOptions {
  trees: number;
  /** Candidate predictors per split; 0 = floor(sqrt(cols)). */
  mtry: number;
  /** Nodes of at most this many samples are not split. */
  nodesize: number;
}

/** One tree in flat arrays. Node 0 is the root; a split node's children are `left` and `left + 1`; a leaf has left = 0. */
export interface Tree {
  feature: Int32Array;
  /** Split threshold (go left when x <= it), or the leaf's value (mean, or class code). */
  value: Float64Array;
  left: Int32Array;
}

export interface Forest {
  target: ModelTarget;
  cols: number;
  trees: Tree[];
  /** Out-of-bag mean squared error (numeric) or misclassification rate (categorical); NaN if no row was ever out of bag. */
  oobError: number;
  options: ForestOptions;
}

/** Fits a forest on row-major x (rows x cols). Seeded by ctx.seed (tree t uses deriveSeed(seed, t)); abortable between trees. */
export async function fitForest(
  x: Float64Array,
  rows: number,
  cols: number,
  y: Float64Array,
  target: ModelTarget,
  options: ForestOptions,
  ctx: Pick<ModelContext, 'seed' | 'signal' | 'onProgress'>,
): Promise<Forest> {
  const classes = target.kind === 'categorical' ? target.classes : 0;
  const mtry = Math.max(1, Math.min(cols, options.mtry > 0 ? options.mtry : Math.floor(Math.sqrt(cols))));
  const colMajor = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let f = 0; f < cols; f++) colMajor[f * rows + i] = x[i * cols + f];
  // Every predictor's rows in increasing order, once per forest.
  const sorted: Int32Array[] = [];
  for (let f = 0; f < cols; f++) {
    const idx = Int32Array.from({ length: rows }, (_, i) => i);
    const col = colMajor.subarray(f * rows, (f + 1) * rows);
    idx.sort((a, b) => col[a] - col[b] || a - b);
    sorted.push(idx);
  }
  const builder = new TreeBuilder(colMajor, rows, cols, y, classes, mtry, options.nodesize);
  const oobSum = new Float64Array(rows * Math.max(1, classes));
  const oobCount = new Int32Array(rows);
  const trees: Tree[] = [];
  const pacer = new Pacer(ctx.signal);
  for (let t = 0; t < options.trees; t++) {
    await pacer.tick();
    const rng = createRng(deriveSeed(ctx.seed, t));
    const counts = new Int32Array(rows);
    for (let d = 0; d < rows; d++) counts[rng.int(rows)]++;
    const tree = builder.build(sorted, counts, rng);
    trees.push(tree);
    for (let i = 0; i < rows; i++) {
      if (counts[i] !== 0) continue;
      const leaf = leafValue(tree, colMajor, rows, i, true);
      if (classes > 0) oobSum[i * classes + leaf]++;
      else oobSum[i] += leaf;
      oobCount[i]++;
    }
    ctx.onProgress?.((t + 1) / options.trees);
  }
  let err = 0;
  let n = 0;
  for (let i = 0; i < rows; i++) {
    if (oobCount[i] === 0) continue;
    n++;
    if (classes > 0) err += argmax(oobSum, i * classes, classes) === y[i] ? 0 : 1;
    else err += (oobSum[i] / oobCount[i] - y[i]) ** 2;
  }
  return { target, cols, trees, oobError: n > 0 ? err / n : NaN, options: { ...options, mtry } };
}

function leafValue(tree: Tree, x: Float64Array, stride: number, i: number, colMajor: boolean): number {
  let node = 0;
  const cols = colMajor ? 0 : stride;
  while (tree.left[node] !== 0) {
    const f = tree.feature[node];
    const v = colMajor ? x[f * stride + i] : x[i * cols + f];
    node = v <= tree.value[node] ? tree.left[node] : tree.left[node] + 1;
  }
  return tree.value[node];
}

/** Predictions for row-major x: the mean over trees, or the majority class (lowest code on ties). */
export function forestPredict(forest: Forest, x: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  const classes = forest.target.kind === 'categorical' ? forest.target.classes : 0;
  const votes = new Float64Array(Math.max(1, classes));
  for (let i = 0; i < rows; i++) {
    if (classes > 0) {
      votes.fill(0);
      for (const tree of forest.trees) votes[leafValue(tree, x, forest.cols, i, false)]++;
      out[i] = argmax(votes);
    } else {
      let s = 0;
      for (const tree of forest.trees) s += leafValue(tree, x, forest.cols, i, false);
      out[i] = s / forest.trees.length;
    }
  }
  return out;
}

/**
 * Grows trees; its buffers are reused from tree to tree. A row drawn several times by the bootstrap is one slot with
 * that weight (identical values always fall on the same side of a split), so a tree handles the ~63% distinct rows of
 * its sample, not every draw; sizes, sums and class counts are weighted, as with the draws themselves.
 */
class TreeBuilder {
  private readonly slotRow: Int32Array;
  private readonly slotOf: Int32Array;
  private readonly weight: Float64Array;
  private readonly ys: Float64Array;
  private readonly order: Int32Array[];
  private readonly goesLeft: Uint8Array;
  private readonly buffer: Int32Array;
  private readonly features: Int32Array;
  private readonly leftCounts: Float64Array;
  private readonly rightCounts: Float64Array;
  private readonly x: Float64Array;
  private readonly rows: number;
  private readonly cols: number;
  private readonly y: Float64Array;
  private readonly classes: number;
  private readonly mtry: number;
  private readonly nodesize: number;

  constructor(x: Float64Array, rows: number, cols: number, y: Float64Array, classes: number, mtry: number, nodesize: number) {
    this.x = x;
    this.rows = rows;
    this.cols = cols;
    this.y = y;
    this.classes = classes;
    this.mtry = mtry;
    this.nodesize = nodesize;
    this.slotRow = new Int32Array(rows);
    this.slotOf = new Int32Array(rows);
    this.weight = new Float64Array(rows);
    this.ys = new Float64Array(rows);
    this.order = Array.from({ length: cols }, () => new Int32Array(rows));
    this.goesLeft = new Uint8Array(rows);
    this.buffer = new Int32Array(rows);
    this.features = Int32Array.from({ length: cols }, (_, f) => f);
    this.leftCounts = new Float64Array(Math.max(1, classes));
    this.rightCounts = new Float64Array(Math.max(1, classes));
  }

  build(sorted: Int32Array[], counts: Int32Array, rng: Rng): Tree {
    const { rows, cols, slotRow, slotOf, weight, ys, order } = this;
    // Slots: the distinct rows of the bootstrap sample, weighted by their draws; per predictor, in increasing value.
    let m = 0;
    for (let i = 0; i < rows; i++) {
      if (counts[i] === 0) continue;
      slotRow[m] = i;
      slotOf[i] = m;
      weight[m] = counts[i];
      ys[m] = this.y[i];
      m++;
    }
    for (let f = 0; f < cols; f++) {
      const o = order[f];
      const src = sorted[f];
      let k = 0;
      for (let r = 0; r < rows; r++) if (counts[src[r]] !== 0) o[k++] = slotOf[src[r]];
    }
    const feature: number[] = [-1];
    const value: number[] = [0];
    const left: number[] = [0];
    // Work list of nodes: [node, start, end) over slots.
    const stack: number[] = [0, 0, m];
    while (stack.length > 0) {
      const end = stack.pop()!;
      const start = stack.pop()!;
      const node = stack.pop()!;
      const split = cols > 0 ? this.bestSplit(start, end, rng) : null;
      if (!split) {
        value[node] = this.leafOf(start, end);
        continue;
      }
      feature[node] = split.feature;
      value[node] = split.threshold;
      left[node] = feature.length;
      feature.push(-1, -1);
      value.push(0, 0);
      left.push(0, 0);
      this.partition(start, end, split.feature, split.count);
      const mid = start + split.count;
      stack.push(left[node] + 1, mid, end, left[node], start, mid);
    }
    return { feature: Int32Array.from(feature), value: Float64Array.from(value), left: Int32Array.from(left) };
  }

  /** The leaf's value: weighted mean, or the weighted majority class (lowest code on ties). */
  private leafOf(start: number, end: number): number {
    const o = this.cols > 0 ? this.order[0] : null;
    const { weight, ys } = this;
    if (this.classes > 0) {
      const counts = this.leftCounts.fill(0);
      for (let k = start; k < end; k++) {
        const s = o ? o[k] : k;
        counts[ys[s]] += weight[s];
      }
      return argmax(counts);
    }
    let sum = 0;
    let n = 0;
    for (let k = start; k < end; k++) {
      const s = o ? o[k] : k;
      sum += weight[s] * ys[s];
      n += weight[s];
    }
    return sum / n;
  }

  /** The best split of the node over mtry random candidates, or null (too small, pure, or no candidate separates it). */
  private bestSplit(start: number, end: number, rng: Rng): { feature: number; threshold: number; count: number } | null {
    const { x, ys, weight, rows, slotRow, classes, features } = this;
    const o0 = this.order[0];
    // Parent statistics (weighted); a node of at most nodesize samples, or a pure one, is a leaf.
    let n = 0;
    let total = 0;
    let parentScore: number;
    const right = this.rightCounts;
    if (classes > 0) {
      right.fill(0);
      for (let k = start; k < end; k++) {
        const s = o0[k];
        right[ys[s]] += weight[s];
        n += weight[s];
      }
      if (n <= this.nodesize) return null;
      let sq = 0;
      let nonzero = 0;
      for (let c = 0; c < classes; c++) {
        sq += right[c] * right[c];
        if (right[c] > 0) nonzero++;
      }
      if (nonzero <= 1) return null;
      parentScore = sq / n;
    } else {
      const first = ys[o0[start]];
      let pure = true;
      for (let k = start; k < end; k++) {
        const s = o0[k];
        total += weight[s] * ys[s];
        n += weight[s];
        if (ys[s] !== first) pure = false;
      }
      if (n <= this.nodesize || pure) return null;
      parentScore = (total * total) / n;
    }
    let best: { feature: number; threshold: number; count: number } | null = null;
    let bestScore = parentScore * (1 + 1e-12) + 1e-12;
    // mtry distinct candidates: a partial Fisher-Yates shuffle of the feature list.
    for (let mt = 0; mt < this.mtry; mt++) {
      const j = mt + rng.int(this.cols - mt);
      const f = features[j];
      features[j] = features[mt];
      features[mt] = f;
      const o = this.order[f];
      const col = f * rows;
      let nl = 0;
      if (classes > 0) {
        const l = this.leftCounts.fill(0);
        const r = right;
        r.fill(0);
        for (let k = start; k < end; k++) r[ys[o[k]]] += weight[o[k]];
        let sqL = 0;
        let sqR = 0;
        for (let c = 0; c < classes; c++) sqR += r[c] * r[c];
        for (let k = start; k < end - 1; k++) {
          const s = o[k];
          const c = ys[s];
          const w = weight[s];
          sqL += 2 * w * l[c] + w * w;
          l[c] += w;
          sqR -= 2 * w * r[c] - w * w;
          r[c] -= w;
          nl += w;
          const v = x[col + slotRow[s]];
          const next = x[col + slotRow[o[k + 1]]];
          if (v === next) continue;
          const score = sqL / nl + sqR / (n - nl);
          if (score > bestScore) {
            bestScore = score;
            best = { feature: f, threshold: midpoint(v, next), count: k - start + 1 };
          }
        }
      } else {
        let sumL = 0;
        for (let k = start; k < end - 1; k++) {
          const s = o[k];
          sumL += weight[s] * ys[s];
          nl += weight[s];
          const v = x[col + slotRow[s]];
          const next = x[col + slotRow[o[k + 1]]];
          if (v === next) continue;
          const sumR = total - sumL;
          const score = (sumL * sumL) / nl + (sumR * sumR) / (n - nl);
          if (score > bestScore) {
            bestScore = score;
            best = { feature: f, threshold: midpoint(v, next), count: k - start + 1 };
          }
        }
      }
    }
    return best;
  }

  /** Stable partition of every predictor's slot list of the node: the first `count` slots of `feature`'s list go left. */
  private partition(start: number, end: number, feature: number, count: number): void {
    const { goesLeft, buffer, order } = this;
    const ob = order[feature];
    for (let k = start; k < end; k++) goesLeft[ob[k]] = k < start + count ? 1 : 0;
    for (let f = 0; f < this.cols; f++) {
      if (f === feature) continue;
      const o = order[f];
      let l = start;
      let r = 0;
      for (let k = start; k < end; k++) {
        const s = o[k];
        if (goesLeft[s] === 1) o[l++] = s;
        else buffer[r++] = s;
      }
      for (let k = 0; k < r; k++) o[l + k] = buffer[k];
    }
  }
}

/** The midpoint of two consecutive distinct values, kept strictly below the larger one despite rounding. */
function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

const treeSchema = z.object({ nodes: z.number().int().min(1), feature: z.string(), value: z.string(), left: z.string() });
const stateSchema = z.object({
  cols: z.number().int().min(0),
  trees: z.array(treeSchema).min(1),
  oobError: z.number().nullable(),
  options: z.object({ trees: z.number().int(), mtry: z.number().int(), nodesize: z.number().int() }),
});

export class RandomForestModel implements FittedColumnModel {
  readonly kind = 'random-forest';
  constructor(readonly forest: Forest) {}

  get target(): ModelTarget {
    return this.forest.target;
  }

  async predict(x: Float64Array, rows: number) {
    return { values: forestPredict(this.forest, x, rows), cost: ZERO_COST };
  }

  toJSON(): SavedColumnModel {
    const f = this.forest;
    const trees = f.trees.map((t) => ({ nodes: t.left.length, feature: encodeInt32(t.feature), value: encodeFloat64(t.value), left: encodeInt32(t.left) }));
    return { kind: this.kind, state: { cols: f.cols, trees, oobError: Number.isNaN(f.oobError) ? null : f.oobError, options: f.options } };
  }

  static fromJSON(state: unknown, target: ModelTarget): RandomForestModel {
    const s = parseSavedState(stateSchema, state, 'random-forest');
    const trees = s.trees.map((t, i) => {
      const tree: Tree = {
        feature: decodeSavedArray(t.feature, t.nodes, 'i32', 'random-forest', `trees.${i}.feature`) as Int32Array,
        value: decodeSavedArray(t.value, t.nodes, 'f64', 'random-forest', `trees.${i}.value`) as Float64Array,
        left: decodeSavedArray(t.left, t.nodes, 'i32', 'random-forest', `trees.${i}.left`) as Int32Array,
      };
      checkTree(tree, s.cols, target, i);
      return tree;
    });
    return new RandomForestModel({ target, cols: s.cols, trees, oobError: s.oobError ?? NaN, options: s.options });
  }
}

/** A loaded tree must be walkable: children after their parent and inside the array, features and classes in range. */
function checkTree(tree: Tree, cols: number, target: ModelTarget, index: number): void {
  const n = tree.left.length;
  for (let node = 0; node < n; node++) {
    const l = tree.left[node];
    const bad =
      l === 0
        ? target.kind === 'categorical' && !(Number.isInteger(tree.value[node]) && tree.value[node] >= 0 && tree.value[node] < target.classes)
        : l <= node || l + 1 >= n || tree.feature[node] < 0 || tree.feature[node] >= cols;
    if (bad) throw damagedModel('random-forest', `state.trees.${index}`, `has an invalid node ${node}`);
  }
}

export interface RandomForestSpecOptions {
  trees: number;
  /** Candidates per split; 0 = floor(sqrt(p)) with p the predictors plus the target (missForest's ncol). */
  mtry: number;
  nodesizeNumeric: number;
  nodesizeCategorical: number;
}

/** missForest's forest for one column (its defaults are IMPUTER_DEFAULTS.missforest in core/limits.ts). */
export function randomForestSpec(o: RandomForestSpecOptions): ColumnModelSpec {
  return {
    kind: 'random-forest',
    recipe: {
      model: 'random-forest',
      trees: o.trees,
      mtry: o.mtry > 0 ? o.mtry : 'floor(sqrt(predictors + 1))',
      nodesizeNumeric: o.nodesizeNumeric,
      nodesizeCategorical: o.nodesizeCategorical,
      bootstrap: true,
      split: 'variance (numeric) / gini (categorical)',
    },
    standardise: false,
    async fit(data, ctx) {
      const mtry = o.mtry > 0 ? o.mtry : Math.max(1, Math.floor(Math.sqrt(data.cols + 1)));
      const nodesize = data.target.kind === 'numeric' ? o.nodesizeNumeric : o.nodesizeCategorical;
      const forest = await fitForest(data.x, data.rows, data.cols, data.y, data.target, { trees: o.trees, mtry, nodesize }, ctx);
      return { model: new RandomForestModel(forest), cost: ZERO_COST };
    },
  };
}
