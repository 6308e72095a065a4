// Trajectory sampler for the Pauli noise of METHOD.md section 7: exact in distribution at any register size, with a
// cost per shot that stays small however noisy the device, and a clear TOO_LARGE error where one trajectory would
// need more than MAX_TRAJECTORY_AMPLITUDES amplitudes.
//
// Why each step is exact (the sampler draws a shot's outcome with exactly the probability the density matrix gives):
// 1. Trajectories. Each channel is a mixture of Paulis; drawing the Pauli at every location, independently of the
//    state, gives pure-state trajectories whose average is the channel. Error locations come from the cumulative
//    hazard (one exponential and a binary search per error), so an error-free shot costs O(log G).
// 2. Flip errors as jumps. Where a channel gives X and Y the same weight on a qubit (depolarizing noise does), the
//    pair X rho X + Y rho Y equals 2 (s+ rho s- + s- rho s+) with s+ = |1><0|, s- = |0><1| (the cross terms cancel),
//    so an X-or-Y factor is unravelled instead as the jump s- (probability <n_q>) or s+ (1 - <n_q>), drawn from the
//    state (Born rule). A trajectory then stays in one Hamming-weight sector with real amplitudes. Other channels
//    (the X-only limit test) apply X or Y coherently, which splits a sector into w - 1 and w + 1.
// 3. Readout. Bits flip independently with probability r, so a measured bitstring of weight w is kept (weight 1
//    after the flips) with a probability kappa(w) that depends on w only (noise.ts). A shot draws v ~ U(0, 1) and is
//    kept iff v < kappa(w) for its measured weight w: only weights in A(v) = {w : kappa(w) > v} can be kept, and
//    given the measured b, the kept outcome is one of b's ones or zeros with the probabilities of noise.ts. The
//    discarded mass is never touched: it is whatever is not kept.
// 4. Pruning. Between weight-changing operations every sector evolves on its own (RBS and Z keep the weight). A sector
//    of weight x with m weight-changing operations left ends within [x - m, x + m], with the parity of x + m. If no
//    weight of A(v) is there, neither that sector nor anything it feeds can ever end in A(v); the amplitude of each
//    final configuration is a linear function of the state at any earlier time, so dropping the sector changes no
//    amplitude of a keepable weight. Its mass is discarded mass. With jumps the state is one sector, so a trajectory
//    that cannot reach A(v) is discarded at once. Jumps rescale the chosen branch to the mass before the jump, so the
//    state's mass stays the probability that the shot is still alive.
// 5. Deferred ups. s+ = X (1 - n_q): an up is a projection, then an X on q. If q is outside the backward light cone,
//    at that time, of every later jump, that X (carried forward by the gates) acts only on qubits no later jump can
//    see, so every later Born probability is the same with or without the new particle. The sampler then applies only
//    the projection ("deferred"), and the state it computes holds fewer particles. Before each jump it checks the
//    deferred ups against the jump's cone and inserts those inside it ("promoted": W X W^-1 applied to the state, W
//    the gates of the particle's forward light cone since its creation); a shot that ends kept gets all of them
//    inserted to draw its bitstring, so the state never holds more particles than it must. Every decision is still an
//    exact Born probability, but most heavy trajectories climb until they cannot reach A(v) and are discarded without
//    their high-weight sectors ever being computed.
import type { Circuit } from '../quantum/circuit.ts';
import type { Rng } from '../random.ts';
import { LabError, throwIfAborted } from '../errors.ts';
import { checkShots } from '../quantum/shots.ts';
import { MAX_COUNTS_CHARACTERS, MAX_QUBITS } from '../limits.ts';
import { checkCircuit } from './density-matrix.ts';
import { errorProbability, readoutKeepProbabilities, resolveNoise, type NoiseModel, type ResolvedNoise } from './noise.ts';
import { SectorSpace, SectorState, type SectorSnapshot } from './sectors.ts';
import { Pacer } from '../pacer.ts';

export interface ShotResult {
  shots: number;
  keptShots: number;
  /** Shots discarded by post-selection (shots - keptShots). */
  discardedShots: number;
  keptFraction: number;
  /** count_k / keptShots over the unary outcomes (all zeros when nothing was kept). */
  probabilities: Float64Array;
  /** Kept counts per unary outcome k. */
  unaryCounts: Uint32Array;
  /** Raw counts by bitstring (qubit 0 first), when asked for. */
  counts?: Record<string, number>;
  /** Shots whose trajectory carried at least one non-identity Pauli error. */
  errorShots: number;
  /** Up jumps whose particle was never computed (step 5 above). */
  deferredUps: number;
  /** Highest Hamming weight a trajectory held amplitudes for. */
  maxWeight: number;
}

export interface SampleOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Raw counts by bitstring for every shot (default false: the n kept outcomes and the discarded total). */
  counts?: boolean;
}

/** Operation types of a shot's error factors. */
const COHERENT_X = 1;
const COHERENT_Y = 2;
const PAULI_Z = 3;
const JUMP = 4;
const DISCARDED = -1;
/** Decisions on a shot's factors. */
const NONE = 0;
const APPLY_Z = 1;
const DOWN = 2;
const UP = 3;
const DEFER = 4; // an up whose particle is not computed (step 5)
/** States at least this large check the clock between gates (smaller ones finish within microseconds). */
const HEAVY_AMPLITUDES = 1 << 15;

/**
 * Throws TOO_LARGE when raw counts of `shots` shots on n qubits could hold more than MAX_COUNTS_CHARACTERS
 * bitstring characters.
 */
function checkCountsSize(n: number, shots: number): void {
  const distinct = Math.min(shots, 2 ** Math.min(n, 60));
  if (distinct * n <= MAX_COUNTS_CHARACTERS) return;
  const most = Math.floor(MAX_COUNTS_CHARACTERS / n);
  const allowed = `at most ${MAX_COUNTS_CHARACTERS.toLocaleString('en-US')} bitstring characters`;
  throw new LabError(
    'TOO_LARGE',
    `raw counts of ${shots.toLocaleString('en-US')} shots on ${n} qubits could hold ${distinct.toLocaleString('en-US')} bitstrings of ${n} characters, ` +
      `more than the ${allowed} a counts request may hold; ask for at most ${most.toLocaleString('en-US')} shots, or leave counts off ` +
      '(the kept outcomes and the discarded total)',
    { field: 'counts', value: shots, allowed, details: { qubits: n } },
  );
}

/** What a sampler precomputes once per circuit and noise model; read by every shot. */
interface Plan {
  n: number;
  space: SectorSpace;
  readout: number;
  kind: Uint8Array; // 0 X, 1 RBS
  qa: Int32Array;
  qb: Int32Array;
  cos: Float64Array;
  sin: Float64Array;
  /** hazard[g] = sum_{h <= g} -log(1 - e_h). */
  hazard: Float64Array;
  /** Some location errs with probability 1: per-gate draws instead of the hazard. */
  certain: boolean;
  errProb: Float64Array;
  /** Cumulative non-identity channel weights. */
  cum1: Float64Array;
  cum2: Float64Array;
  /** Per slot (1q, 2q first qubit, 2q second qubit): X and Y have equal weight, so flips are jumps (step 2). */
  jump1: boolean;
  jumpA: boolean;
  jumpB: boolean;
  /** xAfter[g] = number of X gates after gate g (they change the weight too). */
  xAfter: Int32Array;
  /** snapshots[g] = error-free state after gate g. */
  snapshots: SectorSnapshot[];
  /** Error-free outcomes: weight, index and cumulative probability. */
  finalW: Int32Array;
  finalR: Int32Array;
  finalCum: Float64Array;
  /** kappa[w]: probability that a measured bitstring of weight w is kept after the readout flips. */
  kappa: Float64Array;
  /** Weights by decreasing kappa, so A(v) is a prefix. */
  byKappa: Int32Array;
}

export class TrajectorySampler {
  readonly qubits: number;
  private readonly plan: Plan;

  constructor(circuit: Circuit, model: NoiseModel | ResolvedNoise) {
    checkCircuit(circuit, MAX_QUBITS);
    const noise = 'depolarizing' in model ? model : resolveNoise(model);
    const n = circuit.qubits;
    this.qubits = n;
    const G = circuit.gates.length;
    const kind = new Uint8Array(G);
    const qa = new Int32Array(G);
    const qb = new Int32Array(G);
    const cos = new Float64Array(G);
    const sin = new Float64Array(G);
    const hazard = new Float64Array(G);
    const errProb = new Float64Array(G);
    const xAfter = new Int32Array(G + 1);
    const e1 = errorProbability(noise, 1);
    const e2 = errorProbability(noise, 2);
    let h = 0;
    let certain = false;
    circuit.gates.forEach((g, k) => {
      if (g.type === 'x') {
        qa[k] = g.qubit;
        errProb[k] = e1;
      } else {
        kind[k] = 1;
        qa[k] = g.i;
        qb[k] = g.j;
        cos[k] = Math.cos(g.theta);
        sin[k] = Math.sin(g.theta);
        errProb[k] = e2;
      }
      if (errProb[k] >= 1 - 1e-12) certain = true;
      h += -Math.log1p(-Math.min(errProb[k], 1 - 1e-12));
      hazard[k] = h;
    });
    for (let g = G - 1; g >= 0; g--) xAfter[g] = xAfter[g + 1] + (g + 1 < G && kind[g + 1] === 0 ? 1 : 0);
    const c1 = noise.channel1;
    const c2 = noise.channel2;
    let jumpA = true;
    let jumpB = true;
    for (let t = 0; t < 4; t++) {
      if (c2[4 + t] !== c2[8 + t]) jumpA = false;
      if (c2[4 * t + 1] !== c2[4 * t + 2]) jumpB = false;
    }
    const space = SectorSpace.of(n);
    const kappa = readoutKeepProbabilities(n, noise.readout);
    this.plan = {
      n,
      space,
      readout: noise.readout,
      kind,
      qa,
      qb,
      cos,
      sin,
      hazard,
      certain,
      errProb,
      cum1: cumulativeNonIdentity(c1),
      cum2: cumulativeNonIdentity(c2),
      jump1: c1[1] === c1[2],
      jumpA,
      jumpB,
      xAfter,
      snapshots: [],
      finalW: new Int32Array(0),
      finalR: new Int32Array(0),
      finalCum: new Float64Array(0),
      kappa,
      byKappa: Int32Array.from(Array.from({ length: n + 1 }, (_, w) => w).sort((x, y) => kappa[y] - kappa[x])),
    };

    // Error-free path with a snapshot after every gate.
    const state = new SectorState(space);
    state.setBasis([]);
    for (let g = 0; g < G; g++) {
      gateOn(this.plan, state, g);
      this.plan.snapshots.push(state.snapshot());
    }
    const ws: number[] = [];
    const rs: number[] = [];
    const cs: number[] = [];
    let acc = 0;
    for (const w of state.weights()) {
      const re = state.re[w]!;
      for (let r = 0; r < re.length; r++) {
        const p = re[r] * re[r];
        if (p <= 0) continue;
        acc += p;
        ws.push(w);
        rs.push(r);
        cs.push(acc);
      }
    }
    this.plan.finalW = Int32Array.from(ws);
    this.plan.finalR = Int32Array.from(rs);
    this.plan.finalCum = Float64Array.from(cs.map((c) => c / acc));
  }

  /** Draws `shots` noisy shots with readout error and unary post-selection. */
  async sample(shots: number, rng: Rng, options: SampleOptions = {}): Promise<ShotResult> {
    checkShots(shots);
    const n = this.qubits;
    const wantCounts = options.counts ?? false;
    if (wantCounts) checkCountsSize(n, shots);
    throwIfAborted(options.signal);
    const pacer = new Pacer(options.signal);
    const shot = new Shot(this.plan, rng, pacer, wantCounts);
    const G = this.plan.hazard.length;
    const unaryCounts = new Uint32Array(n);
    let kept = 0;
    for (let s = 0; s < shots; s++) {
      if (pacer.due()) {
        await pacer.pause();
        options.onProgress?.(s, shots);
      }
      shot.begin();
      let k: number;
      const g0 = nextError(this.plan, rng, 0);
      if (g0 >= G) k = shot.errorFree();
      else {
        shot.drawErrors(g0);
        const run = shot.trajectory();
        let step = run.next();
        while (!step.done) {
          await pacer.pause();
          step = run.next();
        }
        k = step.value;
      }
      if (k >= 0) {
        kept++;
        unaryCounts[k]++;
      }
    }
    options.onProgress?.(shots, shots);
    const probabilities = new Float64Array(n);
    if (kept > 0) for (let k = 0; k < n; k++) probabilities[k] = unaryCounts[k] / kept;
    const result: ShotResult = {
      shots,
      keptShots: kept,
      discardedShots: shots - kept,
      keptFraction: kept / shots,
      probabilities,
      unaryCounts,
      errorShots: shot.errorShots,
      deferredUps: shot.deferredUps,
      maxWeight: shot.maxWeight,
    };
    if (wantCounts) result.counts = Object.fromEntries([...shot.counts.entries()].sort((x, y) => (x[0] < y[0] ? 1 : -1)));
    return result;
  }
}

/** First gate index >= from whose noise is a non-identity Pauli, or G when none. */
function nextError(plan: Plan, rng: Rng, from: number): number {
  const { hazard, errProb } = plan;
  const G = hazard.length;
  if (from >= G) return G;
  if (plan.certain) {
    for (let g = from; g < G; g++) if (rng.next() < errProb[g]) return g;
    return G;
  }
  const target = (from > 0 ? hazard[from - 1] : 0) + rng.exponential();
  if (hazard[G - 1] <= target) return G;
  let lo = from;
  let hi = G - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (hazard[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function gateOn(plan: Plan, state: SectorState, g: number): void {
  if (plan.kind[g] === 0) state.flip(plan.qa[g], 1);
  else state.rbs(plan.qa[g], plan.qb[g], plan.cos[g], plan.sin[g]);
}

/** The per-shot work of one sample() call: scratch arrays reused from shot to shot. */
class Shot {
  private readonly n: number;
  private readonly G: number;
  private readonly state: SectorState;
  private readonly cone: Uint8Array;
  private readonly coneList: Int32Array;
  private readonly pos: Int32Array;
  private readonly bits: Uint8Array;
  // The shot's error factors in time order: gate (each acts after its gate), qubit, type.
  private fg = new Int32Array(64);
  private fq = new Int32Array(64);
  private ft = new Uint8Array(64);
  /** Decision per factor (NONE, APPLY_Z, DOWN, UP, DEFER) and the jump's rescaling factor. */
  private dec = new Uint8Array(64);
  private gain = new Float64Array(64);
  /** afterF[f] = weight-changing factors after factor f. */
  private afterF = new Int32Array(64);
  private F = 0;
  private M = 0;
  /** Readout: v (kept iff v < kappa(w)) without counts; the flipped qubits with counts. */
  private v = 0;
  private readonly flips: number[] = [];
  readonly counts = new Map<string, number>();
  errorShots = 0;
  deferredUps = 0;
  maxWeight = 0;

  constructor(
    private readonly d: Plan,
    private readonly rng: Rng,
    private readonly pacer: Pacer,
    private readonly wantCounts: boolean,
  ) {
    this.n = d.n;
    this.G = d.kind.length;
    this.state = new SectorState(d.space);
    this.cone = new Uint8Array(this.n);
    this.coneList = new Int32Array(this.n);
    this.pos = new Int32Array(this.n + 1);
    this.bits = new Uint8Array(this.n);
  }

  /** Draws the readout part of a shot, which does not depend on the state. */
  begin(): void {
    const r = this.d.readout;
    if (!this.wantCounts) {
      this.v = this.rng.next();
      return;
    }
    this.flips.length = 0;
    if (r >= 1) for (let q = 0; q < this.n; q++) this.flips.push(q);
    else if (r > 0) {
      const logKeep = Math.log1p(-r);
      for (let q = -1; ;) {
        q += 1 + Math.floor(Math.log(1 - this.rng.next()) / logKeep);
        if (q >= this.n) break;
        this.flips.push(q);
      }
    }
  }

  /** True when weight w, with m weight-changing operations left, can still end at a keepable weight. */
  private alive(w: number, m: number): boolean {
    if (this.wantCounts) return true;
    const { kappa, byKappa } = this.d;
    for (let t = 0; t < byKappa.length; t++) {
      const x = byKappa[t];
      if (!(kappa[x] > this.v)) return false;
      const gap = x > w ? x - w : w - x;
      if (gap <= m && ((m - gap) & 1) === 0) return true;
    }
    return false;
  }

  /** A shot without any error: the precomputed error-free distribution. */
  errorFree(): number {
    const { finalCum, finalW, finalR, space } = this.d;
    const k = drawIndex(finalCum, this.rng.next());
    const w = finalW[k];
    if (!this.wantCounts && !(this.v < this.d.kappa[w])) return DISCARDED;
    space.unrank(w, finalR[k], this.pos);
    return this.readout(w);
  }

  /** Draws the shot's Pauli errors from gate g0 on, as factors in time order. */
  drawErrors(g0: number): void {
    this.errorShots++;
    const { kind, qa, qb, cum1, cum2, jump1, jumpA, jumpB } = this.d;
    this.F = 0;
    this.M = 0;
    for (let g = g0; g < this.G; g = nextError(this.d, this.rng, g + 1)) {
      if (kind[g] === 0) this.addFactor(g, qa[g], drawIndex(cum1, this.rng.next()) + 1, jump1);
      else {
        const p = drawIndex(cum2, this.rng.next()) + 1;
        this.addFactor(g, qa[g], p >> 2, jumpA);
        this.addFactor(g, qb[g], p & 3, jumpB);
      }
    }
    let after = 0;
    for (let f = this.F - 1; f >= 0; f--) {
      this.afterF[f] = after;
      if (this.ft[f] !== PAULI_Z) after++;
    }
  }

  private addFactor(g: number, q: number, pauli: number, jump: boolean): void {
    if (pauli === 0) return;
    if (this.F === this.fg.length) {
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as { new (n: number): T })(a.length * 2);
        b.set(a);
        return b;
      };
      this.fg = grow(this.fg);
      this.fq = grow(this.fq);
      this.ft = grow(this.ft);
      this.dec = grow(this.dec);
      this.gain = grow(this.gain);
      this.afterF = grow(this.afterF);
    }
    this.fg[this.F] = g;
    this.fq[this.F] = q;
    this.ft[this.F] = pauli === 3 ? PAULI_Z : jump ? JUMP : pauli;
    if (pauli !== 3) this.M++;
    this.F++;
  }

  /**
   * Runs the shot's trajectory; yields (so that the caller can pause) during long work on large sectors. Returns the
   * kept unary outcome, or DISCARDED.
   */
  *trajectory(): Generator<void, number> {
    const { fg, fq, ft, dec, d } = this;
    const st = this.state;
    const start = d.snapshots[fg[0]].weights;
    let coherent = false;
    for (let f = 0; f < this.F; f++) if (ft[f] === COHERENT_X || ft[f] === COHERENT_Y) coherent = true;
    // Deferred ups (step 5) need jumps only and no X gate after the first error, so that the weight is known.
    const lazy = !this.wantCounts && !coherent && start.length === 1 && d.xAfter[fg[0]] === 0;
    if (lazy && !this.alive(start[0], this.M)) return DISCARDED;
    this.startAtFirstError();
    let w = start[0]; // lazy: the true weight, deferred particles included
    let deferred = 0;
    try {
      for (let f = 0; f < this.F; f++) {
        const type = ft[f];
        dec[f] = type === PAULI_Z ? APPLY_Z : NONE;
        if (type === PAULI_Z) continue; // applied when the state next advances
        const q = fq[f];
        const m = this.afterF[f] + d.xAfter[fg[f]];
        if (deferred > 0) deferred -= yield* this.promote(f);
        yield* this.advance(fg[f], f);
        if (type !== JUMP) {
          st.flip(q, type as 1 | 2, (x) => this.alive(x, m));
          this.applied = f + 1;
          if (!(st.norm2() > 0)) return DISCARDED;
          continue;
        }
        // The exact Born probability of a down jump: no deferred particle can be at q (promoted above).
        const p = st.massWith(q) / st.norm2();
        const up = this.rng.next() >= p;
        this.gain[f] = 1 / Math.sqrt(up ? 1 - p : p); // keeps the state's mass (step 4)
        if (lazy) {
          w += up ? 1 : -1;
          if (!this.alive(w, m)) return DISCARDED;
          dec[f] = up ? DEFER : DOWN;
          if (up) {
            deferred++;
            this.deferredUps++;
          }
          continue;
        }
        dec[f] = up ? UP : DOWN;
        this.applyFactor(f);
        this.applied = f + 1;
        st.keepIf((x) => this.alive(x, m));
        if (!(st.norm2() > 0)) return DISCARDED;
      }
      yield* this.advance(this.G - 1, this.F);
      // Kept: the outcome needs every particle.
      for (let i = 0; deferred > 0 && i < this.F; i++) {
        if (dec[i] !== DEFER) continue;
        yield* this.insert(i);
        deferred--;
      }
    } finally {
      if (st.maxWeight > this.maxWeight) this.maxWeight = st.maxWeight;
    }
    // The final draw: past the state's mass (what pruning dropped, step 4) the shot is discarded.
    const u = this.rng.next();
    if (!(u < st.norm2())) return DISCARDED;
    const got = st.sample(u);
    if (!got || (!this.wantCounts && !(this.v < d.kappa[got.w]))) return DISCARDED;
    d.space.unrank(got.w, got.r, this.pos);
    return this.readout(got.w);
  }

  // The computed state: the error-free state after the first error's gate, advanced through the gates before tPsi
  // and the factors before `applied` (with their decisions).
  private tPsi = 0;
  private applied = 0;

  private startAtFirstError(): void {
    this.state.maxWeight = 0;
    this.state.load(this.d.snapshots[this.fg[0]]);
    this.tPsi = this.fg[0] + 1;
    this.applied = 0;
  }

  /** Advances the computed state through the gates up to gEnd (inclusive) and the factors before fEnd, in time order. */
  private *advance(gEnd: number, fEnd: number): Generator<void, void> {
    const { fg } = this;
    const st = this.state;
    let heavy = st.held() >= HEAVY_AMPLITUDES;
    while (this.tPsi <= gEnd || this.applied < fEnd) {
      if (this.applied < fEnd && fg[this.applied] < this.tPsi) {
        this.applyFactor(this.applied++);
        heavy = st.held() >= HEAVY_AMPLITUDES;
        continue;
      }
      gateOn(this.d, st, this.tPsi++);
      if (heavy && this.pacer.due()) yield;
    }
  }

  private applyFactor(f: number): void {
    const st = this.state;
    const q = this.fq[f];
    switch (this.dec[f]) {
      case APPLY_Z:
        st.z(q);
        break;
      case DOWN:
        st.jump(q, false, this.gain[f]);
        break;
      case UP:
        st.jump(q, true, this.gain[f]);
        break;
      case DEFER:
        st.project(q, this.gain[f]); // the particle is not computed: s+ = X (1 - n), and that X is outside every cone
        break;
    }
  }

  /**
   * Promotes the deferred ups whose particle could reach the qubit of factor f (inside its backward light cone at
   * their own time): those the computed state has passed are inserted, the others become plain ups. Returns how many.
   */
  private *promote(f: number): Generator<void, number> {
    const { kind, qa, qb } = this.d;
    const { fg, fq, dec } = this;
    this.markCone(fq[f]);
    const promoted: number[] = [];
    let i = f - 1;
    for (let g = fg[f]; i >= 0; g--) {
      // Factors act after their gate: going backward, those at gate g come before gate g.
      for (; i >= 0 && fg[i] === g; i--) if (dec[i] === DEFER && this.cone[fq[i]]) promoted.push(i);
      if (i < 0 || g <= fg[0]) break;
      if (kind[g] === 1 && (this.cone[qa[g]] || this.cone[qb[g]])) this.markCone(qa[g], qb[g]);
    }
    this.clearCone();
    for (let t = promoted.length - 1; t >= 0; t--) {
      const j = promoted[t]; // earliest first
      if (j < this.applied) yield* this.insert(j);
      else dec[j] = UP;
    }
    return promoted.length;
  }

  /**
   * Inserts the particle of deferred up i into the computed state: its X, carried forward by the gates, is W X W^-1
   * with W the gates and Z errors inside the forward light cone of its qubit since then (everything else the state
   * went through commutes with it, step 5).
   */
  private *insert(i: number): Generator<void, void> {
    const { kind, qa, qb, cos, sin } = this.d;
    const { fg, fq, dec } = this;
    const st = this.state;
    const ops: number[] = []; // gate g as g, Z error j as ~j
    this.markCone(fq[i]);
    let j = i + 1;
    for (let g = fg[i]; ;) {
      for (; j < this.applied && fg[j] === g; j++) if (dec[j] === APPLY_Z && this.cone[fq[j]]) ops.push(~j);
      if (++g >= this.tPsi) break;
      if (kind[g] === 1 && (this.cone[qa[g]] || this.cone[qb[g]])) {
        this.markCone(qa[g], qb[g]);
        ops.push(g);
      }
    }
    this.clearCone();
    const heavy = st.held() >= HEAVY_AMPLITUDES;
    for (let t = ops.length - 1; t >= 0; t--) {
      const g = ops[t];
      if (g < 0) st.z(fq[~g]);
      else st.rbs(qa[g], qb[g], cos[g], -sin[g]);
      if (heavy && this.pacer.due()) yield;
    }
    st.jump(fq[i], true); // the qubit is empty here: the projection was applied at that time
    for (const g of ops) {
      if (g < 0) st.z(fq[~g]);
      else st.rbs(qa[g], qb[g], cos[g], sin[g]);
      if (heavy && this.pacer.due()) yield;
    }
    dec[i] = UP;
  }

  private coneSize = 0;

  private markCone(a: number, b = a): void {
    if (!this.cone[a]) {
      this.cone[a] = 1;
      this.coneList[this.coneSize++] = a;
    }
    if (!this.cone[b]) {
      this.cone[b] = 1;
      this.coneList[this.coneSize++] = b;
    }
  }

  private clearCone(): void {
    for (let t = 0; t < this.coneSize; t++) this.cone[this.coneList[t]] = 0;
    this.coneSize = 0;
  }

  /** The kept outcome of measured positions pos[0..w-1] (or, with counts, records the bitstring). */
  private readout(w: number): number {
    const { n, pos, rng } = this;
    if (this.wantCounts) {
      const bits = this.bits;
      for (let t = 0; t < w; t++) bits[pos[t]] = 1;
      for (const q of this.flips) bits[q] ^= 1;
      let ones = 0;
      let k = -1;
      let key = '';
      for (let q = 0; q < n; q++) {
        if (bits[q]) {
          ones++;
          k = q;
          key += '1';
        } else key += '0';
        bits[q] = 0;
      }
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      return ones === 1 ? k : DISCARDED;
    }
    // Kept (v < kappa(w)): one of the w ones stays, or one of the n - w zeros flips (noise.ts).
    const r = this.d.readout;
    const inside = r >= 1 ? 0 : w / (w + (n - w) * (r / (1 - r)) ** 2);
    if (rng.next() < inside) return pos[Math.min(w - 1, Math.floor(rng.next() * w))];
    let j = Math.min(n - w - 1, Math.floor(rng.next() * (n - w)));
    for (let t = 0; t < w && pos[t] <= j; t++) j++; // the j-th qubit not among the ones
    return j;
  }
}

function cumulativeNonIdentity(weights: Float64Array): Float64Array {
  const out = new Float64Array(weights.length - 1);
  let total = 0;
  for (let k = 1; k < weights.length; k++) total += weights[k];
  let acc = 0;
  for (let k = 1; k < weights.length; k++) {
    acc += total > 0 ? weights[k] / total : 1 / (weights.length - 1);
    out[k - 1] = acc;
  }
  return out;
}

/** Smallest index with cum[index] > u (u in [0, 1)); the last index on rounding. */
function drawIndex(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
