// The run page's circuit downloads are the qnnlab command's exports, byte for byte, and its drawing places every
// gate of the butterfly without overlapping connectors.
import { describe, expect, it } from 'vitest';
import { BUILTIN_DEVICE_PROFILES } from '../../../../core/hardware/device-profile.ts';
import { butterflyLayerPairs } from '../../../../core/quantum/butterfly.ts';
import { runQnnlab } from '../../../../electron/cli/test-io.ts';
import { useTempDatabase } from '../../../../test-support/database.ts';
import { butterflyCircuit, circuitCommands, circuitIonqJson, circuitQasm, placeGates, trainedModel } from './circuit.ts';

const db = useTempDatabase();
// Angles as a training leaves them: arbitrary doubles, which must survive the JSON of --params and the QASM text.
const model = { qubits: 8, layers: 3, parameters: Array.from({ length: 12 }, (_, k) => Math.sin(k + 1) * 3.1 + 1e-9 * k) };

describe('a trained run circuit', () => {
  it('reads the model from a train result and nothing from others', () => {
    expect(trainedModel({ options: { qubits: 8, layers: 3 }, parameters: model.parameters })).toEqual(model);
    expect(trainedModel({ methods: {} })).toBeNull();
    expect(trainedModel(null)).toBeNull();
    expect(trainedModel({ options: { qubits: 8, layers: 3 }, parameters: [1, 'x'] })).toBeNull();
  });

  it('downloads the OpenQASM that qnnlab circuit prints for the same parameters', async () => {
    const out = await runQnnlab(...circuitCommands(model, 'ionq-aria').qasm);
    expect(out.stderr).toBe('');
    expect(circuitQasm(model)).toBe(out.stdout);
  });

  it('downloads the IonQ JSON that qnnlab compile prints for the same parameters and device', async () => {
    const aria = BUILTIN_DEVICE_PROFILES.find((p) => p.id === 'ionq-aria')!;
    const out = await runQnnlab(...circuitCommands(model, 'ionq-aria').ionq, '--db', db.path);
    expect(out.stderr).toBe('');
    expect(circuitIonqJson(model, aria)).toBe(out.stdout);
  });

  it('draws each butterfly layer as a block of columns where no two connectors share a wire', () => {
    const circuit = butterflyCircuit(model);
    const { placed, columns } = placeGates(circuit);
    expect(placed).toHaveLength(12);
    for (let a = 0; a < placed.length; a++) {
      for (let b = a + 1; b < placed.length; b++) {
        const [p, q] = [placed[a], placed[b]];
        if (p.column === q.column) expect(p.bottom < q.top || q.bottom < p.top).toBe(true);
        // Gates sharing a qubit keep their order.
        const shares = [p.gate.i, p.gate.j].some((w) => w === q.gate.i || w === q.gate.j);
        if (shares) expect(p.column).toBeLessThan(q.column);
      }
    }
    // Alone, layer 1 of 8 qubits (pairs k, k+4: every connector crosses the middle) needs 4 columns; layer 3 (k, k+1) fits in one.
    expect(butterflyLayerPairs(8, 3).every((p) => Math.abs(p.i - p.j) === 1)).toBe(true);
    const layer = (l: number) => ({ qubits: 8, gates: circuit.gates.filter((g) => g.type === 'rbs' && g.layer === l) });
    expect(placeGates(layer(1)).columns).toBe(4);
    expect(placeGates(layer(3)).columns).toBe(1);
    expect(columns).toBe(Math.max(...placed.map((g) => g.column)) + 1);
    // Each layer is one block: every gate of a layer lies after every gate of the layer before.
    for (const l of [2, 3]) {
      const before = Math.max(...placed.filter((g) => g.gate.layer === l - 1).map((g) => g.column));
      expect(Math.min(...placed.filter((g) => g.gate.layer === l).map((g) => g.column))).toBeGreaterThan(before);
    }
    expect(columns).toBe(4 + 2 + 1);
  });
});
