// The one imputer registry: name -> summary, options schema (zod, defaults applied by parsing) and a factory that
// turns resolved options into a chained-equations method. Every path (CLI, experiments, the run engine, workers)
// resolves an imputer here; the conformance suite (conformance.test.ts) runs over every registered entry.
import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { FittedColumnModel, SavedColumnModel } from '../models/column-model.ts';
import type { ChainedMethod } from './chained.ts';
import type { ActiveColumn } from './columns.ts';
import { parseOrThrow } from '../zod-issues.ts';
import { meanImputer } from './imputers/mean.ts';
import { miceImputer } from './imputers/mice.ts';
import { missForestImputer } from './imputers/missforest.ts';
import { deepMiceImputer } from './imputers/deep-mice.ts';
import { qnnMiceImputer } from './imputers/qnn-mice.ts';

/** Services a host hands to imputers that need them (e.g. qnn-mice: backends, device profiles). Classical ones ignore it. */
export type ImputerEnv = Readonly<Record<string, unknown>>;

/** A resolved imputer: the chained method, how to reload its saved models, and its exact recipe for the record. */
export interface Imputer extends ChainedMethod {
  name: string;
  /** Resolved options (defaults applied), JSON-safe: saved with a fitted model and with every result. */
  options: Record<string, unknown>;
  /** Everything that defines the method: options plus the per-column models' recipes. */
  recipe: Record<string, unknown>;
  /** Reloads one saved per-column model (apply time may pass other options, e.g. another backend for qnn-mice). */
  restore(saved: SavedColumnModel, column: ActiveColumn): FittedColumnModel;
}

export interface ImputerEntry<O extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  summary: string;
  /** Its column models are QNNs (run on a quantum backend): comparisons, pages and reports tell these from classical baselines. */
  quantum?: boolean;
  /** Parsing {} gives the defaults; unknown keys are refused. */
  options: z.ZodType<O>;
  create(options: O, env: ImputerEnv): Imputer;
}

const registry = new Map<string, ImputerEntry>();

export function registerImputer<O extends Record<string, unknown>>(entry: ImputerEntry<O>): void {
  registry.set(entry.name, entry as unknown as ImputerEntry);
}

export function imputerNames(): string[] {
  return [...registry.keys()];
}

export function describeImputers(): { name: string; summary: string; defaults: Record<string, unknown> }[] {
  return [...registry.values()].map((e) => ({ name: e.name, summary: e.summary, defaults: e.options.parse({}) }));
}

/** Whether a method is a QNN imputer (false for classical ones and for names no imputer has). */
export function isQuantumImputer(name: string): boolean {
  return registry.get(name)?.quantum === true;
}

export function imputerEntry(name: string): ImputerEntry {
  const entry = registry.get(name);
  if (!entry) {
    const allowed = imputerNames().join(', ');
    throw new InvalidInputError(`Unknown imputation method "${name}"; the methods are ${allowed}.`, { field: 'method', value: name, allowed });
  }
  return entry;
}

/** Applies the method's defaults to `raw` and checks it; a wrong option is named (field `options.<name>`). */
export function resolveImputerOptions(name: string, raw: Record<string, unknown> = {}): Record<string, unknown> {
  return parseOrThrow(imputerEntry(name).options, raw, `${name} option`, 'options') as Record<string, unknown>;
}

export function createImputer(name: string, raw: Record<string, unknown> = {}, env: ImputerEnv = {}): Imputer {
  return imputerEntry(name).create(resolveImputerOptions(name, raw), env);
}

registerImputer(meanImputer);
registerImputer(miceImputer);
registerImputer(missForestImputer);
registerImputer(deepMiceImputer);
registerImputer(qnnMiceImputer);
