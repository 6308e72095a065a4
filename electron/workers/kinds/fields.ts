// Refusals named within a run's config: core checks name their own field ('trees', 'qubits', 'columns'); a kind that
// checks a part of its config with them renames the field to where it sits in the config (e.g. 'methods.1.options.trees').
import { LabError } from '../../../core/errors.ts';

/** The same refusal with its field renamed; any other error as it is. */
export function renameField(e: unknown, rename: (field: string | undefined) => string | undefined): unknown {
  if (!(e instanceof LabError)) return e;
  const field = rename(e.field);
  if (field === e.field) return e;
  return new LabError(e.code, e.message, { field, value: e.value, allowed: e.allowed, details: e.details });
}
