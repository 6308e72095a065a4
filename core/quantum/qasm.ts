// OpenQASM 2.0 export using only qelib1.inc gates (each RBS expanded as H x H, CZ, RY(t) x RY(-t), CZ, H x H;
// see rbs.ts), and a small parser for the subset the exporter writes (plus cx, rx, rz, y, z, s, sdg, barrier,
// measure, and angle expressions with pi), so exports can be checked by running them back.
import type { Circuit, StandardCircuit, StandardGate } from './circuit.ts';
import { InvalidInputError } from '../errors.ts';
import { unaryToStandard } from './statevector.ts';

/** Shortest decimal that reads back to the same double. */
function angle(t: number): string {
  return Object.is(t, -0) ? '0' : String(t);
}

export interface QasmOptions {
  /** Append `measure q -> c;` (default true). */
  measure?: boolean;
  /** Comment lines at the top. */
  comments?: string[];
}

function gateLine(g: StandardGate): string {
  switch (g.type) {
    case 'cx':
    case 'cz':
      return `${g.type} q[${g.control}],q[${g.target}];`;
    case 'rx':
    case 'ry':
    case 'rz':
      return `${g.type}(${angle(g.theta)}) q[${g.qubit}];`;
    default:
      return `${g.type} q[${g.qubit}];`;
  }
}

/** The comment line naming a model circuit's layout in its QASM export (`qnnlab circuit` and the app's run page write the same). */
export function modelQasmComment(m: { architecture: 'butterfly' | 'pyramid'; qubits: number; layers: number; loader: string | null }): string {
  const layers = m.architecture === 'butterfly' ? `, ${m.layers} layers` : '';
  const loader = m.loader ? `, ${m.loader} loader` : ', no loader (prepend one, or start from a unary state)';
  return `QNN Lab ${m.architecture}: ${m.qubits} qubits${layers}${loader}`;
}

/** A unary circuit (X + RBS) as OpenQASM 2.0; every RBS is preceded by a comment naming it. */
export function circuitToQasm(circuit: Circuit, options: QasmOptions = {}): string {
  const lines = ['OPENQASM 2.0;', 'include "qelib1.inc";'];
  lines.push('// RBS(t) on (i, j) = h i; h j; cz i,j; ry(t) i; ry(-t) j; cz i,j; h i; h j;');
  lines.push('// Unary readout: outcome e_k has only c[k] set (Qiskit prints bitstrings c[n-1]...c[0]); keep Hamming weight 1.');
  for (const c of options.comments ?? []) lines.push(`// ${c}`);
  lines.push(`qreg q[${circuit.qubits}];`, `creg c[${circuit.qubits}];`);
  for (const g of circuit.gates) {
    if (g.type === 'rbs') {
      lines.push(
        `// rbs(${angle(g.theta)}) q[${g.i}],q[${g.j}]${g.param !== undefined ? ` param ${g.param}` : ''}${g.layer ? ` layer ${g.layer}` : g.param === undefined ? ' loader' : ''}`,
      );
    }
    for (const s of unaryToStandard({ qubits: circuit.qubits, gates: [g] }).gates) lines.push(gateLine(s));
  }
  if (options.measure ?? true) lines.push('measure q -> c;');
  return lines.join('\n') + '\n';
}

/** Evaluates an angle expression: numbers, pi, + - * /, unary minus, parentheses. */
function evaluate(expr: string): number {
  const tokens = expr.match(/\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|pi|[-+*/()]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (): never => {
    throw new InvalidInputError(`OpenQASM: cannot read the angle "${expr}"`);
  };
  const primary = (): number => {
    const t = tokens[pos++];
    if (t === undefined) return fail();
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === 'pi') return Math.PI;
    if (t === '(') {
      const v = sum();
      if (tokens[pos++] !== ')') fail();
      return v;
    }
    const v = Number(t);
    return Number.isFinite(v) ? v : fail();
  };
  const product = (): number => {
    let v = primary();
    while (peek() === '*' || peek() === '/') v = tokens[pos++] === '*' ? v * primary() : v / primary();
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = tokens[pos++] === '+' ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (pos !== tokens.length) fail();
  return v;
}

/** Parses OpenQASM 2.0 text with one quantum register into a StandardCircuit. */
export function parseQasm(text: string): StandardCircuit {
  const source = text.replace(/\/\/[^\n]*/g, '');
  let qubits = -1;
  let reg = 'q';
  const gates: StandardGate[] = [];
  const qubitOf = (arg: string): number => {
    const m = /^(\w+)\[(\d+)\]$/.exec(arg.trim());
    if (!m || m[1] !== reg) throw new InvalidInputError(`OpenQASM: expected ${reg}[k], got "${arg.trim()}"`);
    const k = Number(m[2]);
    if (k >= qubits) throw new InvalidInputError(`OpenQASM: qubit ${k} outside register ${reg}[${qubits}]`);
    return k;
  };
  for (const raw of source.split(';')) {
    const stmt = raw.trim();
    if (
      !stmt ||
      stmt.startsWith('OPENQASM') ||
      stmt.startsWith('include') ||
      stmt.startsWith('creg') ||
      stmt.startsWith('barrier') ||
      stmt.startsWith('measure')
    )
      continue;
    const qreg = /^qreg\s+(\w+)\[(\d+)\]$/.exec(stmt);
    if (qreg) {
      if (qubits >= 0) throw new InvalidInputError('OpenQASM: only one qreg is supported');
      reg = qreg[1];
      qubits = Number(qreg[2]);
      continue;
    }
    const m = /^(\w+)\s*(?:\(([^)]*(?:\([^)]*\)[^)]*)*)\))?\s+(.+)$/.exec(stmt);
    if (!m) throw new InvalidInputError(`OpenQASM: cannot read "${stmt}"`);
    if (qubits < 0) throw new InvalidInputError('OpenQASM: gate before qreg');
    const [, name, param, argText] = m;
    const args = argText.split(',').map(qubitOf);
    if (name === 'cx' || name === 'cz') {
      if (args.length !== 2) throw new InvalidInputError(`OpenQASM: ${name} takes two qubits in "${stmt}"`);
      gates.push({ type: name, control: args[0], target: args[1] });
    } else if (name === 'rx' || name === 'ry' || name === 'rz') {
      if (param === undefined || args.length !== 1) throw new InvalidInputError(`OpenQASM: ${name} takes one angle and one qubit in "${stmt}"`);
      gates.push({ type: name, qubit: args[0], theta: evaluate(param) });
    } else if (name === 'x' || name === 'y' || name === 'z' || name === 'h' || name === 's' || name === 'sdg') {
      if (args.length !== 1) throw new InvalidInputError(`OpenQASM: ${name} takes one qubit in "${stmt}"`);
      gates.push({ type: name, qubit: args[0] });
    } else {
      throw new InvalidInputError(`OpenQASM: unsupported gate "${name}"`);
    }
  }
  if (qubits < 0) throw new InvalidInputError('OpenQASM: no qreg');
  return { qubits, gates };
}
