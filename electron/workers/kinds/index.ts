// The one registry of run kinds: the host (validating configs, preparing inputs), the workers (running them) and the
// CLI (`qnnlab run start KIND`) all look kinds up here. Adding a kind is one file beside this one, its entry below,
// and its test; the conformance suite (kinds.test.ts) runs over every entry.
import { InvalidInputError } from '../../../core/errors.ts';
import { applyImputerKind } from './apply-imputer.ts';
import { deviceJobKind } from './device-job.ts';
import { experimentKind } from './experiment.ts';
import { importKind } from './import.ts';
import { trainKind } from './train.ts';
import type { RunKind } from './types.ts';

const KINDS: readonly RunKind[] = [trainKind, experimentKind, applyImputerKind, deviceJobKind, importKind];

export const RUN_KIND_NAMES: readonly string[] = KINDS.map((k) => k.kind);

export function runKinds(): readonly RunKind[] {
  return KINDS;
}

/** The kind of that name; VALIDATION (field 'kind') naming the known kinds otherwise. */
export function runKind(name: string): RunKind {
  const kind = KINDS.find((k) => k.kind === name);
  if (!kind) {
    const allowed = RUN_KIND_NAMES.join(', ');
    throw new InvalidInputError(`Unknown run kind "${name}"; the kinds are ${allowed}.`, { field: 'kind', value: name, allowed });
  }
  return kind;
}
