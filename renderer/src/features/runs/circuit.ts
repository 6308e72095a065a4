// A trained run's circuit: the butterfly of its final parameters, as the run page draws it and offers it for download.
// The exports are core's, exactly as the qnnlab command writes them: OpenQASM of the butterfly alone
// (`qnnlab circuit --params`), and IonQ native-gate JSON of the tree loader of an all-ones input followed by the
// butterfly (`qnnlab compile --params --backend DEVICE --format ionq-json`); circuit.test.ts compares them byte for byte.
import type { DeviceProfile } from '../../../../core/hardware/device-profile.ts';
import { compileCircuit, toIonqJson } from '../../../../core/hardware/compile.ts';
import type { Circuit, RbsGate } from '../../../../core/quantum/circuit.ts';
import { butterflyGates, modelCircuit } from '../../../../core/quantum/butterfly.ts';
import { circuitToQasm, modelQasmComment } from '../../../../core/quantum/qasm.ts';

/** What a succeeded train run's result says of its circuit. */
export interface TrainedModel {
  qubits: number;
  layers: number;
  parameters: number[];
}

/** The trained model of a train run's result, or null when the result has none (not a training, or not finished). */
export function trainedModel(result: unknown): TrainedModel | null {
  const r = result as { options?: { qubits?: unknown; layers?: unknown }; parameters?: unknown } | null;
  const qubits = r?.options?.qubits;
  const layers = r?.options?.layers;
  const parameters = r?.parameters;
  if (typeof qubits !== 'number' || typeof layers !== 'number' || !Array.isArray(parameters) || !parameters.every((p) => typeof p === 'number')) return null;
  return { qubits, layers, parameters };
}

export function butterflyCircuit(m: TrainedModel): Circuit {
  return { qubits: m.qubits, gates: butterflyGates(m.qubits, m.layers, m.parameters) };
}

/** OpenQASM 2.0, as `qnnlab circuit --qubits N --layers L --params JSON --format qasm` prints it. */
export function circuitQasm(m: TrainedModel): string {
  return circuitToQasm(butterflyCircuit(m), { comments: [modelQasmComment({ architecture: 'butterfly', qubits: m.qubits, layers: m.layers, loader: null })] });
}

/** IonQ native-gate JSON, as `qnnlab compile --qubits N --layers L --params JSON --backend ID --format ionq-json` prints it. */
export function circuitIonqJson(m: TrainedModel, profile: DeviceProfile): string {
  const circuit = modelCircuit(
    { qubits: m.qubits, layers: m.layers, architecture: 'butterfly', loader: 'tree' },
    m.parameters,
    new Float64Array(m.qubits).fill(1),
  );
  return JSON.stringify(toIonqJson(compileCircuit(circuit, profile)), null, 2) + '\n';
}

/** The qnnlab commands that print the same files (shown beside the downloads). */
export function circuitCommands(m: TrainedModel, deviceId: string): { qasm: string[]; ionq: string[] } {
  const model = ['--qubits', String(m.qubits), '--layers', String(m.layers), '--params', JSON.stringify(m.parameters)];
  return {
    qasm: ['circuit', ...model, '--format', 'qasm'],
    ionq: ['compile', ...model, '--backend', deviceId, '--format', 'ionq-json'],
  };
}

/** A gate placed for drawing: its column, and the wires it spans. */
export interface PlacedGate {
  gate: RbsGate;
  column: number;
  top: number;
  bottom: number;
}

/**
 * Columns for drawing: each gate goes in the first column after every gate that touches the wires it spans (its
 * two qubits and those between, which its connector crosses), so no two connectors overlap and the gate order holds;
 * a layer starts after the previous one ends, so each layer reads as one block.
 */
export function placeGates(circuit: Circuit): { placed: PlacedGate[]; columns: number } {
  const nextFree = new Array<number>(circuit.qubits).fill(0);
  const placed: PlacedGate[] = [];
  let layer: number | undefined;
  let layerStart = 0;
  for (const gate of circuit.gates) {
    if (gate.type !== 'rbs') continue;
    if (gate.layer !== layer) {
      layer = gate.layer;
      layerStart = Math.max(0, ...nextFree);
    }
    const top = Math.min(gate.i, gate.j);
    const bottom = Math.max(gate.i, gate.j);
    let column = layerStart;
    for (let q = top; q <= bottom; q++) column = Math.max(column, nextFree[q]);
    for (let q = top; q <= bottom; q++) nextFree[q] = column + 1;
    placed.push({ gate, column, top, bottom });
  }
  return { placed, columns: Math.max(0, ...nextFree) };
}
