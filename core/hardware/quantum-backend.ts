// The interface every backend implements (ideal, ideal-shots, noisy, device profiles, later a real provider).
// The trainer and the simulator commands go through it for everything that is not the fast exact path.
import type { Circuit } from '../quantum/circuit.ts';

export interface QuantumRunRequest {
  circuits: Circuit[];
  /** Shots per circuit; null asks for exact probabilities (only backends with `exact: true` accept null). */
  shots: number | null;
  /** Seed for every random choice of this request (shot sampling, noise trajectories). */
  seed: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Record raw counts by bitstring (default: only for registers of at most 12 qubits). */
  counts?: boolean;
}

export interface CircuitOutcome {
  /**
   * Unary readout p_k, k = 0..n-1 (METHOD.md section 4): exact y_k^2, or count_k / keptShots after
   * Hamming-weight-1 post-selection. All zeros when no shot was kept.
   */
  probabilities: Float64Array;
  /** Fraction of shots (or probability mass) of Hamming weight 1. */
  keptFraction: number;
  shots: number | null;
  keptShots: number | null;
  /** Raw counts by bitstring (qubit 0 first), when shots were taken. */
  counts?: Record<string, number>;
}

export interface QuantumBackend {
  readonly name: string;
  readonly description: string;
  readonly maxQubits: number;
  /** True when the backend can return exact probabilities (shots: null). */
  readonly exact: boolean;
  /** Largest register for exact (shots: null) results, when smaller than maxQubits. */
  readonly exactMaxQubits?: number;
  /** True for device backends (job lifecycle, emulated latency, time and cost). */
  readonly device?: boolean;
  run(request: QuantumRunRequest): Promise<CircuitOutcome[]>;
}
