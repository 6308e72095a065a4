// The RBS gate (METHOD.md section 1, normative): on the ordered pair (i, j),
//   a_i <- cos(theta) a_i - sin(theta) a_j ;  a_j <- sin(theta) a_i + cos(theta) a_j.
import type { RbsGate, StandardGate } from './circuit.ts';

export function rbs(i: number, j: number, theta: number, extra: { param?: number; layer?: number } = {}): RbsGate {
  const gate: RbsGate = { type: 'rbs', i, j, theta };
  if (extra.param !== undefined) gate.param = extra.param;
  if (extra.layer !== undefined) gate.layer = extra.layer;
  return gate;
}

/** Applies RBS with precomputed cos/sin to real unary amplitudes stored at `offset` (in place). */
export function applyRbs(a: Float64Array, i: number, j: number, c: number, s: number, offset = 0): void {
  const ai = a[offset + i];
  const aj = a[offset + j];
  a[offset + i] = c * ai - s * aj;
  a[offset + j] = s * ai + c * aj;
}

/**
 * RBS(theta) in qelib1.inc gates, as METHOD.md section 1 states (qubit i first):
 *   RBS(theta) = (H x H) . CZ . (RY(theta) x RY(-theta)) . CZ . (H x H),  RY(t) = exp(-i t Y / 2).
 * Checked numerically against the normative action in rbs.test.ts: in the basis |q_i q_j>, it maps
 * |10> -> cos|10> + sin|01> and |01> -> -sin|10> + cos|01> (RY(theta) on qubit i, RY(-theta) on qubit j).
 * Listed in time order (the rightmost factor first).
 */
export function rbsToStandard(i: number, j: number, theta: number): StandardGate[] {
  return [
    { type: 'h', qubit: i },
    { type: 'h', qubit: j },
    { type: 'cz', control: i, target: j },
    { type: 'ry', qubit: i, theta },
    { type: 'ry', qubit: j, theta: -theta },
    { type: 'cz', control: i, target: j },
    { type: 'h', qubit: i },
    { type: 'h', qubit: j },
  ];
}
