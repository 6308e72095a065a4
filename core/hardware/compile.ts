// Compilation of unary circuits (X + RBS) to IonQ native gates (GPI, GPI2 and MS or ZZ; angles and phases in
// turns), with gate counts, depth and duration, and export as IonQ's native JSON circuit format.
//
// RBS(theta) = exp(-i theta G), G = (X_i Y_j - Y_i X_j) / 2, and the two terms commute, so
//   RBS(theta) = exp(-i (theta/2) X_i Y_j) . exp(-i (theta/2) (-Y_i) X_j).
// Each factor exp(-i a s_pa x s_pb) (s_p = cos(2 pi p) X + sin(2 pi p) Y) is one MS(pa, pb, angle = a / pi), or
// ZZ(a / pi) conjugated by GPI2(p + 0.25) (which maps Z to s_p). Angles above 0.25 turns use
// exp(-i a A) = (-i A) exp(-i (a - pi/2) A), the -i A being GPI(pa) x GPI(pb) up to a global phase.
// Native gate definitions: GPI(p) = [[0, e^{-2 pi i p}], [e^{2 pi i p}, 0]] = s_p, GPI2(p) = (I - i s_p) / sqrt 2,
// MS(p0, p1, t) = exp(-i pi t s_p0 x s_p1), ZZ(t) = exp(-i pi t Z x Z).
import type { Circuit } from '../quantum/circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { connected, type DeviceProfile } from './device-profile.ts';

export type NativeGate =
  | { gate: 'gpi'; target: number; phase: number }
  | { gate: 'gpi2'; target: number; phase: number }
  | { gate: 'ms'; targets: [number, number]; phases: [number, number]; angle: number }
  | { gate: 'zz'; targets: [number, number]; angle: number };

export interface GateCounts {
  gpi: number;
  gpi2: number;
  ms: number;
  zz: number;
  oneQubit: number;
  twoQubit: number;
  total: number;
}

export interface CompiledCircuit {
  qubits: number;
  twoQubitGate: 'ms' | 'zz';
  gates: NativeGate[];
  counts: GateCounts;
  /** Layers of two-qubit gates when gates on disjoint qubits run together. */
  twoQubitDepth: number;
  /** Layers of all native gates when gates on disjoint qubits run together. */
  depth: number;
  /** Gates one after the other (how trapped-ion devices execute them): n1 t1 + n2 t2. */
  durationSeconds: number;
  /** The critical path if gates on disjoint qubits ran in parallel. */
  criticalPathSeconds: number;
}

export interface CompileTarget {
  qubits: number;
  twoQubitGate: 'ms' | 'zz';
  oneQubitSeconds: number;
  twoQubitSeconds: number;
  connected: (a: number, b: number) => boolean;
  name: string;
}

export function targetOf(profile: DeviceProfile): CompileTarget {
  return {
    qubits: profile.qubits.value,
    twoQubitGate: profile.nativeGates.twoQubit,
    oneQubitSeconds: profile.duration.oneQubitSeconds.value,
    twoQubitSeconds: profile.duration.twoQubitSeconds.value,
    connected: (a, b) => connected(profile, a, b),
    name: profile.name,
  };
}

const turn = (p: number): number => {
  const t = p - Math.floor(p);
  return Math.abs(t - 1) < 1e-15 ? 0 : t;
};

/** Emits exp(-i a s_pa x s_pb) on (qa, qb). */
function emitFactor(out: NativeGate[], kind: 'ms' | 'zz', qa: number, qb: number, pa: number, pb: number, a: number): void {
  let phaseB = pb;
  let alpha = a;
  if (alpha < 0) {
    alpha = -alpha;
    phaseB += 0.5;
  }
  let extra = false;
  if (alpha > Math.PI / 4) {
    // exp(-i alpha A) = (-i A) exp(-i (pi/2 - alpha) (-A)).
    extra = true;
    alpha = Math.PI / 2 - alpha;
    phaseB += 0.5;
  }
  const angle = alpha / Math.PI;
  if (angle > 1e-15) {
    if (kind === 'ms') out.push({ gate: 'ms', targets: [qa, qb], phases: [turn(pa), turn(phaseB)], angle });
    else {
      out.push({ gate: 'gpi2', target: qa, phase: turn(pa + 0.75) });
      out.push({ gate: 'gpi2', target: qb, phase: turn(phaseB + 0.75) });
      out.push({ gate: 'zz', targets: [qa, qb], angle });
      out.push({ gate: 'gpi2', target: qa, phase: turn(pa + 0.25) });
      out.push({ gate: 'gpi2', target: qb, phase: turn(phaseB + 0.25) });
    }
  }
  if (extra) {
    // -i A = -i s_pa x s_pb (A with the original phases).
    out.push({ gate: 'gpi', target: qa, phase: turn(pa) });
    out.push({ gate: 'gpi', target: qb, phase: turn(pb) });
  }
}

/** Checks that the device can run the circuit: enough qubits and every RBS pair connected. */
export function checkFits(circuit: Circuit, target: CompileTarget): void {
  if (circuit.qubits > target.qubits) {
    throw new InvalidInputError(`the circuit needs ${circuit.qubits} qubits; ${target.name} has ${target.qubits}`, {
      field: 'qubits',
      value: circuit.qubits,
      allowed: `at most ${target.qubits} (${target.name})`,
    });
  }
  for (const g of circuit.gates) {
    if (g.type === 'rbs' && !target.connected(g.i, g.j)) {
      throw new InvalidInputError(
        `${target.name} cannot couple qubits ${g.i} and ${g.j} (RBS gate${g.layer ? ` of layer ${g.layer}` : ' of the loader'}): this circuit needs a connectivity the device lacks; butterfly layers and the tree loader need all-to-all connectivity, the pyramid and the diagonal loaders only neighbours`,
      );
    }
  }
}

export function compileCircuit(circuit: Circuit, target: CompileTarget | DeviceProfile): CompiledCircuit {
  const t = 'connected' in target && typeof target.connected === 'function' ? (target as CompileTarget) : targetOf(target as DeviceProfile);
  checkFits(circuit, t);
  const gates: NativeGate[] = [];
  for (const g of circuit.gates) {
    if (g.type === 'x') gates.push({ gate: 'gpi', target: g.qubit, phase: 0 });
    else {
      // Reduce theta to (-pi, pi] (RBS has period 2 pi).
      let theta = g.theta - 2 * Math.PI * Math.round(g.theta / (2 * Math.PI));
      if (theta <= -Math.PI) theta += 2 * Math.PI;
      emitFactor(gates, t.twoQubitGate, g.i, g.j, 0, 0.25, theta / 2); // X_i Y_j
      emitFactor(gates, t.twoQubitGate, g.i, g.j, 0.75, 0, theta / 2); // (-Y_i) X_j
    }
  }
  return summarise(circuit.qubits, t, gates);
}

function summarise(qubits: number, t: CompileTarget, gates: NativeGate[]): CompiledCircuit {
  const counts: GateCounts = { gpi: 0, gpi2: 0, ms: 0, zz: 0, oneQubit: 0, twoQubit: 0, total: gates.length };
  const layer = new Int32Array(qubits);
  const layer2 = new Int32Array(qubits);
  const clock = new Float64Array(qubits);
  let depth = 0;
  let depth2 = 0;
  let critical = 0;
  for (const g of gates) {
    counts[g.gate]++;
    if (g.gate === 'gpi' || g.gate === 'gpi2') {
      counts.oneQubit++;
      layer[g.target]++;
      depth = Math.max(depth, layer[g.target]);
      clock[g.target] += t.oneQubitSeconds;
      critical = Math.max(critical, clock[g.target]);
    } else {
      counts.twoQubit++;
      const [a, b] = g.targets;
      const l = Math.max(layer[a], layer[b]) + 1;
      layer[a] = layer[b] = l;
      depth = Math.max(depth, l);
      const l2 = Math.max(layer2[a], layer2[b]) + 1;
      layer2[a] = layer2[b] = l2;
      depth2 = Math.max(depth2, l2);
      const c = Math.max(clock[a], clock[b]) + t.twoQubitSeconds;
      clock[a] = clock[b] = c;
      critical = Math.max(critical, c);
    }
  }
  return {
    qubits,
    twoQubitGate: t.twoQubitGate,
    gates,
    counts,
    twoQubitDepth: depth2,
    depth,
    durationSeconds: counts.oneQubit * t.oneQubitSeconds + counts.twoQubit * t.twoQubitSeconds,
    criticalPathSeconds: critical,
  };
}

export interface IonqNativeJson {
  gateset: 'native';
  qubits: number;
  circuit: NativeGate[];
}

/** IonQ's native JSON circuit format, ready to submit with one's own account. */
export function toIonqJson(compiled: CompiledCircuit): IonqNativeJson {
  return { gateset: 'native', qubits: compiled.qubits, circuit: compiled.gates.map((g) => ({ ...g })) };
}

/**
 * Simulates native gates on a 2^n complex state vector (index bit q = qubit q), from the definitions above.
 * For checks of the compilation; n <= 16.
 */
export function simulateNative(qubits: number, gates: NativeGate[], initial?: { re: Float64Array; im: Float64Array }): { re: Float64Array; im: Float64Array } {
  if (qubits > 16) throw new InvalidInputError(`simulateNative takes at most 16 qubits; got ${qubits}`);
  const dim = 1 << qubits;
  const re = initial ? initial.re.slice() : new Float64Array(dim);
  const im = initial ? initial.im.slice() : new Float64Array(dim);
  if (!initial) re[0] = 1;
  // s_p |0> = e^{2 pi i p} |1>, s_p |1> = e^{-2 pi i p} |0>.
  const sigma = (p: number, bitIn: number): [number, number] => {
    const ang = (bitIn ? -2 : 2) * Math.PI * p;
    return [Math.cos(ang), Math.sin(ang)];
  };
  for (const g of gates) {
    const nr = new Float64Array(dim);
    const ni = new Float64Array(dim);
    if (g.gate === 'gpi' || g.gate === 'gpi2') {
      const m = 1 << g.target;
      for (let x = 0; x < dim; x++) {
        const b = x & m ? 1 : 0;
        const [cr, ci] = sigma(g.phase, b);
        const y = x ^ m;
        // s_p part
        const w = g.gate === 'gpi' ? 1 : Math.SQRT1_2;
        // GPI: s_p; GPI2: (I - i s_p)/sqrt2 -> coefficient of s_p is -i/sqrt2.
        const sr = g.gate === 'gpi' ? cr : ci * w;
        const si = g.gate === 'gpi' ? ci : -cr * w;
        nr[y] += sr * re[x] - si * im[x];
        ni[y] += sr * im[x] + si * re[x];
        if (g.gate === 'gpi2') {
          nr[x] += w * re[x];
          ni[x] += w * im[x];
        }
      }
    } else if (g.gate === 'ms') {
      const [a, b] = g.targets;
      const ma = 1 << a;
      const mb = 1 << b;
      const beta = Math.PI * g.angle;
      const c = Math.cos(beta);
      const s = Math.sin(beta);
      for (let x = 0; x < dim; x++) {
        const [ar, ai] = sigma(g.phases[0], x & ma ? 1 : 0);
        const [br, bi] = sigma(g.phases[1], x & mb ? 1 : 0);
        // coefficient -i s (ar + i ai)(br + i bi)
        const pr = ar * br - ai * bi;
        const pi = ar * bi + ai * br;
        const kr = s * pi;
        const ki = -s * pr;
        const y = x ^ ma ^ mb;
        nr[y] += kr * re[x] - ki * im[x];
        ni[y] += kr * im[x] + ki * re[x];
        nr[x] += c * re[x];
        ni[x] += c * im[x];
      }
    } else {
      const [a, b] = g.targets;
      for (let x = 0; x < dim; x++) {
        const za = (x >> a) & 1 ? -1 : 1;
        const zb = (x >> b) & 1 ? -1 : 1;
        const ang = -Math.PI * g.angle * za * zb;
        const c = Math.cos(ang);
        const s = Math.sin(ang);
        nr[x] = c * re[x] - s * im[x];
        ni[x] = c * im[x] + s * re[x];
      }
    }
    re.set(nr);
    im.set(ni);
  }
  return { re, im };
}
