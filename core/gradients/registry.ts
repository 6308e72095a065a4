// The one registry of gradient methods (METHOD.md section 5), after PennyLane's gradient transforms: each method is a
// recipe, the parameter sets (circuits) to run for the parameters in scope and how to combine their distributions into
// dL/dtheta, together with its circuit count and an exact path for the simulator. The gradient command, the trainer and
// the estimator all read this registry; none of them dispatches on a method's name.
import { InvalidInputError } from '../errors.ts';
import { butterflyParameterCount } from '../quantum/butterfly.ts';
import { forwardBatch } from '../quantum/unary-simulator.ts';
import { adjointGradientBatch } from './adjoint.ts';
import { exactParallelShiftGradient, exactParallelShiftResults, parallelShiftCombine, parallelShiftPlan, unshiftedFromParallel } from './parallel-shift.ts';
import { parameterShiftCombine, parameterShiftPlan } from './parameter-shift.ts';

export const GRADIENT_METHODS = ['parallel-shift', 'parameter-shift', 'adjoint'] as const;
export type GradientMethod = (typeof GRADIENT_METHODS)[number];
export const GRADIENT_SCOPES = ['last-layer', 'all'] as const;
export type GradientScope = (typeof GRADIENT_SCOPES)[number];

/** The model a gradient is taken of: n qubits, L butterfly layers, and the trainable parameter indices. */
export interface GradientSetting {
  n: number;
  layers: number;
  /** Indices of the parameters in scope, ascending and contiguous (the last layer, or all). */
  scope: readonly number[];
}

/** How a shift rule gets its gradient from circuits: what runs on shots and on backends. */
export interface ShiftRecipe {
  /** The parameter sets to run, in order; each set is one circuit per sample. */
  plan(params: ArrayLike<number>, setting: GradientSetting): Float64Array[];
  /** dL/dtheta (zeros outside scope, length (n/2) L) from the plan's distributions (rows x n each) and dL/dp (rows x n). */
  combine(results: Float64Array[], weights: Float64Array, setting: GradientSetting): Float64Array;
  /**
   * The outputs p at the unshifted parameters, read off the plan's distributions, when the plan yields them (the
   * parallel shift's +-pi/2 circuits); undefined when the loss needs a separate forward circuit.
   */
  outputs?(results: Float64Array[], setting: GradientSetting): Float64Array;
  /** The plan's exact distributions on a batch, computed faster than one forward pass per set (optional). */
  exactResults?(inputs: Float64Array, params: ArrayLike<number>, setting: GradientSetting): Float64Array[];
}

export interface GradientMethodSpec {
  readonly name: GradientMethod;
  readonly summary: string;
  /** The scopes the method can take (the parallel shift holds only for the last layer). */
  readonly scopes: readonly GradientScope[];
  /**
   * Distinct circuits per sample of one optimisation step with `inScope` trainable parameters: the gradient's, and the
   * forward circuits the loss needs besides them (what a device runs; the adjoint method's forward pass is a simulation).
   */
  circuitsPerSample(inScope: number): { gradient: number; forward: number };
  /** Rounds of circuits per step, i.e. jobs on a device: the forward round (when needed) first, then the plan. */
  readonly roundsPerStep: number;
  /** The circuits recipe, for shots and backends; null for a method that is exact and simulator-only (adjoint). */
  readonly shift: ShiftRecipe | null;
  /**
   * On the exact simulator (no shots, no backend): the probabilities at `params` and dL/dtheta, where `lossGrad` maps
   * the probabilities to dL/dp. Equal to combining the plan's exact distributions (tested), at a fraction of the cost.
   */
  exact(
    inputs: Float64Array,
    params: Float64Array,
    setting: GradientSetting,
    lossGrad: (p: Float64Array) => Float64Array,
  ): { probabilities: Float64Array; gradient: Float64Array };
}

function parameterCount(s: GradientSetting): number {
  return butterflyParameterCount(s.n, s.layers);
}

const parallelShift: GradientMethodSpec = {
  name: 'parallel-shift',
  summary: 'shift every last-layer angle together by +-pi/4, +-pi/2: 4 circuits per sample, whatever the width',
  scopes: ['last-layer'],
  circuitsPerSample: () => ({ gradient: 4, forward: 0 }),
  roundsPerStep: 1,
  shift: {
    plan: (params, s) => parallelShiftPlan(params, s.n, s.layers),
    combine: (results, weights, s) => parallelShiftCombine(results, weights, s.n, s.layers),
    outputs: (results, s) => unshiftedFromParallel(results, s.n, s.layers),
    exactResults: (inputs, params, s) => exactParallelShiftResults(inputs, s.n, s.layers, params),
  },
  exact(inputs, params, s, lossGrad) {
    const y = forwardBatch(inputs, s.n, s.layers, params, { amplitudes: true });
    const probabilities = new Float64Array(y.length);
    for (let k = 0; k < y.length; k++) probabilities[k] = y[k] * y[k];
    return { probabilities, gradient: exactParallelShiftGradient(y, lossGrad(probabilities), s.n, s.layers) };
  },
};

const parameterShift: GradientMethodSpec = {
  name: 'parameter-shift',
  summary: 'the per-parameter shift rule: 4 circuits per parameter in scope per sample, plus the forward circuit',
  scopes: ['last-layer', 'all'],
  circuitsPerSample: (inScope) => ({ gradient: 4 * inScope, forward: 1 }),
  roundsPerStep: 2,
  shift: {
    plan: (params, s) => parameterShiftPlan(params, s.scope),
    combine: (results, weights, s) => parameterShiftCombine(results, weights, s.scope, parameterCount(s)),
  },
  exact(inputs, params, s, lossGrad) {
    const probabilities = forwardBatch(inputs, s.n, s.layers, params);
    const weights = lossGrad(probabilities);
    const results = parameterShiftPlan(params, s.scope).map((theta) => forwardBatch(inputs, s.n, s.layers, theta));
    return { probabilities, gradient: parameterShiftCombine(results, weights, s.scope, parameterCount(s)) };
  },
};

const adjoint: GradientMethodSpec = {
  name: 'adjoint',
  summary: 'the exact analytic gradient by one backward pass: simulator only, no extra circuits',
  scopes: ['last-layer', 'all'],
  circuitsPerSample: () => ({ gradient: 0, forward: 1 }),
  roundsPerStep: 1,
  shift: null,
  exact(inputs, params, s, lossGrad) {
    const probabilities = forwardBatch(inputs, s.n, s.layers, params);
    const gradient = adjointGradientBatch(inputs, s.n, s.layers, params, lossGrad(probabilities), s.scope[0] ?? 0).gradient;
    return { probabilities, gradient };
  },
};

const REGISTRY: Record<GradientMethod, GradientMethodSpec> = { 'parallel-shift': parallelShift, 'parameter-shift': parameterShift, adjoint };

/** Methods that run on shots and backends (a shift recipe): the ones a device run or an estimate may use. */
export const HARDWARE_GRADIENT_METHODS = GRADIENT_METHODS.filter((m) => REGISTRY[m].shift !== null) as Exclude<GradientMethod, 'adjoint'>[];
export type HardwareGradientMethod = Exclude<GradientMethod, 'adjoint'>;

/** The method of this name; an unknown name is a VALIDATION error listing the known ones. */
export function gradientMethod(name: string): GradientMethodSpec {
  if (!Object.hasOwn(REGISTRY, name)) {
    const allowed = GRADIENT_METHODS.join(', ');
    throw new InvalidInputError(`method must be one of ${allowed}; got ${JSON.stringify(name)}`, { field: 'method', value: name, allowed });
  }
  return REGISTRY[name as GradientMethod];
}

/** Indices of the parameters a scope covers for an L-layer butterfly on n qubits. */
export function scopeIndices(n: number, layers: number, scope: GradientScope): number[] {
  const total = butterflyParameterCount(n, layers);
  const from = scope === 'last-layer' ? total - n / 2 : 0;
  return Array.from({ length: total - from }, (_, k) => from + k);
}

const SCOPE_WORDS: Record<GradientScope, string> = { 'last-layer': 'the last layer (scope last-layer)', all: 'all layers (scope all)' };

/** Refuses a scope the method cannot take (the parallel shift on all layers). */
export function checkMethodScope(method: GradientMethodSpec, scope: GradientScope): void {
  if (!method.scopes.includes(scope)) {
    const others = GRADIENT_METHODS.filter((m) => REGISTRY[m].scopes.includes(scope));
    throw new InvalidInputError(
      `the ${method.name} method applies only to ${method.scopes.map((s) => SCOPE_WORDS[s]).join(' or ')}; got scope ${scope}. Use ${others.join(' or ')} for ${SCOPE_WORDS[scope]}`,
      { field: 'scope', value: scope, allowed: method.scopes.join(', ') },
    );
  }
}

/** Refuses a method without a shift recipe where circuits must run (shots or a backend). */
export function checkRunsOnHardware(method: GradientMethodSpec, field = 'method'): ShiftRecipe {
  if (!method.shift) {
    throw new InvalidInputError(
      `${field} ${method.name} is exact and simulator-only: it cannot run with shots or a backend; use ${HARDWARE_GRADIENT_METHODS.join(' or ')}`,
      {
        field,
        value: method.name,
        allowed: HARDWARE_GRADIENT_METHODS.join(', '),
      },
    );
  }
  return method.shift;
}

/** Distributions (rows x n) of parameter sets on a batch: exact, from shots, or from a backend. */
export type Evaluator = (paramSets: Float64Array[]) => Float64Array[];

/** A shift rule's gradient through any evaluator: run the plan, combine (the reference path the exact ones are checked against). */
export function shiftGradient(
  recipe: ShiftRecipe,
  params: ArrayLike<number>,
  weights: Float64Array,
  setting: GradientSetting,
  evaluate: Evaluator,
): { gradient: Float64Array; results: Float64Array[] } {
  const results = evaluate(recipe.plan(params, setting));
  return { gradient: recipe.combine(results, weights, setting), results };
}
