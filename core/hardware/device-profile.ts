// Device profiles: editable data with a source and a date for every figure (METHOD.md section 7). The defaults
// live in resources/devices/*.json; user copies are validated here before anything stores them.
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { describeIssue, valueAt } from '../zod-issues.ts';
import type { NoiseModel } from './noise.ts';
import { MAX_QUBITS } from '../limits.ts';
import aria from '../../resources/devices/ionq-aria.json';
import forte from '../../resources/devices/ionq-forte.json';
import forteEnterprise from '../../resources/devices/ionq-forte-enterprise.json';

const sourced = { source: z.string().min(1), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD') };
const figure = (value: z.ZodNumber) => z.object({ value, unit: z.string().optional(), ...sourced });
const probability = z.number().min(0).max(1);
const nonNegative = z.number().min(0);
const positive = z.number().gt(0);

export const deviceProfileSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  editable: z.boolean().optional(),
  notes: z.string().optional(),
  qubits: figure(z.number().int().min(2).max(MAX_QUBITS)),
  connectivity: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('all-to-all'), ...sourced }),
    z.object({ kind: z.literal('linear'), ...sourced }),
    z.object({ kind: z.literal('edges'), edges: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).min(1), ...sourced }),
  ]),
  nativeGates: z.object({
    oneQubit: z.array(z.enum(['gpi', 'gpi2'])).min(1),
    twoQubit: z.enum(['ms', 'zz']),
    angleUnit: z.literal('turns'),
    ...sourced,
  }),
  rbsCompilation: z.object({ twoQubitGatesPerRbs: z.number().int().min(1), description: z.string(), ...sourced }),
  fidelity: z.object({ oneQubit: figure(probability), twoQubit: figure(probability), spam: figure(probability) }),
  duration: z.object({ oneQubitSeconds: figure(nonNegative), twoQubitSeconds: figure(nonNegative) }),
  shotRateHz: figure(positive),
  jobOverheadSeconds: figure(nonNegative),
  queue: z.object({ model: z.enum(['exponential', 'fixed']), meanWaitSeconds: figure(nonNegative) }),
  pricing: z.discriminatedUnion('model', [
    z.object({
      model: z.literal('per-gate-shot'),
      oneQubitGateShotUSD: figure(nonNegative),
      twoQubitGateShotUSD: figure(nonNegative),
      minimumPerCircuitUSD: figure(nonNegative),
    }),
    z.object({ model: z.literal('per-shot'), perShotUSD: figure(nonNegative), minimumPerCircuitUSD: figure(nonNegative) }),
  ]),
  debiasing: z.object({ minShots: figure(z.number().int().min(1)) }).optional(),
});

export type DeviceProfile = z.infer<typeof deviceProfileSchema>;

/**
 * Thrown for a profile that does not validate. The message reads `device profile field "fidelity.twoQubit" must
 * be <= 1; got 1.3`: `field` is the dotted path of the first offending field, without the `.value` of a
 * {value, source, date} figure (`path` keeps it); `issues` lists every problem found.
 */
export class DeviceProfileValidationError extends InvalidInputError {
  constructor(
    override readonly field: string,
    detail: string,
    readonly issues: { field: string; path: string; message: string }[],
    readonly path: string = field,
    value?: unknown,
  ) {
    super(`device profile field "${field}" ${detail}`, { field, value, details: { issues } });
    this.name = 'DeviceProfileValidationError';
  }
}

/** The user-facing name of a field: the dotted path, without the `.value` of a sourced figure. */
function fieldName(path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts.length > 1 && parts.at(-1) === 'value') parts.pop();
  return parts.join('.') || '(root)';
}

/** Validates unknown data (e.g. parsed JSON or a database row) as a device profile; names the wrong field. */
export function validateDeviceProfile(data: unknown): DeviceProfile {
  const parsed = deviceProfileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      field: fieldName(i.path),
      path: i.path.map(String).join('.') || '(root)',
      message: describeIssue(i, data),
    }));
    const first = issues[0];
    const more =
      issues.length > 1
        ? ` (and ${issues.length - 1} more: ${issues
            .slice(1, 4)
            .map((i) => i.field)
            .join(', ')})`
        : '';
    throw new DeviceProfileValidationError(first.field, first.message + more, issues, first.path, valueAt(data, parsed.error.issues[0].path));
  }
  const p = parsed.data;
  if (p.connectivity.kind === 'edges') {
    for (const [a, b] of p.connectivity.edges) {
      if (a >= p.qubits.value || b >= p.qubits.value || a === b) {
        const message = `must join two different qubits below ${p.qubits.value}; got edge [${a}, ${b}]`;
        throw new DeviceProfileValidationError('connectivity.edges', message, [{ field: 'connectivity.edges', path: 'connectivity.edges', message }]);
      }
    }
  }
  return p;
}

/** Parses and validates profile JSON text. */
export function parseDeviceProfileJson(text: string): DeviceProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`device profile is not valid JSON: ${(e as Error).message}`);
  }
  return validateDeviceProfile(data);
}

/** The bundled default profiles (resources/devices), validated at load. */
export const BUILTIN_DEVICE_PROFILES: readonly DeviceProfile[] = [aria, forte, forteEnterprise].map((p) => validateDeviceProfile(p));

export function builtinDeviceProfile(id: string): DeviceProfile | undefined {
  return BUILTIN_DEVICE_PROFILES.find((p) => p.id === id);
}

/**
 * The one place a device profile is looked up by id: the built-ins, each shadowed by a user copy of the same id (the
 * database's copies, and on the command line a --profile FILE after them). Every path (app, CLI, estimate, training,
 * workers) resolves through a catalog; core functions then take the resolved profile, never the name.
 */
export interface DeviceCatalog {
  /** The profile used for `id`, or undefined. Throws (VALIDATION) for a stored copy that no longer validates. */
  get(id: string): DeviceProfile | undefined;
  /** Every usable profile: built-ins in bundled order (each replaced by its copy), then the other copies by id. */
  list(): DeviceProfile[];
}

/**
 * A catalog of the built-ins shadowed by `copies` (a later copy of an id shadows an earlier one). `broken` maps the ids
 * of stored copies that no longer validate to the reason: asking for one is refused rather than silently falling back
 * to a built-in of the same id.
 */
export function deviceCatalog(copies: readonly DeviceProfile[] = [], broken: ReadonlyMap<string, string> = new Map()): DeviceCatalog {
  const byId = new Map<string, DeviceProfile>();
  for (const p of copies) byId.set(p.id, p);
  const ordered = [
    ...BUILTIN_DEVICE_PROFILES.map((b) => byId.get(b.id) ?? b),
    ...[...byId.values()].filter((p) => !builtinDeviceProfile(p.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  ];
  return {
    get(id) {
      const problem = broken.get(id);
      if (problem !== undefined && !byId.has(id)) {
        throw new InvalidInputError(`the stored device profile "${id}" no longer validates (${problem}); delete it or import a corrected copy`, {
          field: 'backend',
          value: id,
        });
      }
      return byId.get(id) ?? builtinDeviceProfile(id);
    },
    list: () => ordered.slice(),
  };
}

/** The built-in profiles alone (tests, benchmarks, and hosts without a database). */
export const BUILTIN_CATALOG: DeviceCatalog = deviceCatalog();

/**
 * The noise model a profile implies (METHOD.md section 7): p1 = 1 - F1 per X, p2 = 1 - F2^2 per RBS (two native
 * two-qubit gates), r = 1 - SPAM fidelity.
 */
export function deviceNoise(profile: DeviceProfile): NoiseModel {
  const f2 = profile.fidelity.twoQubit.value;
  const k = profile.rbsCompilation.twoQubitGatesPerRbs;
  return {
    p1: 1 - profile.fidelity.oneQubit.value,
    p2: Math.min(1, 1 - f2 ** k),
    readout: 1 - profile.fidelity.spam.value,
  };
}

/** True when the device can run a two-qubit gate on (a, b) directly. */
export function connected(profile: DeviceProfile, a: number, b: number): boolean {
  const c = profile.connectivity;
  if (c.kind === 'all-to-all') return true;
  if (c.kind === 'linear') return Math.abs(a - b) === 1;
  return c.edges.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/** Every figure of a profile whose source is an assumption, as dotted paths. */
export function deviceAssumptions(profile: DeviceProfile): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.source === 'string' && o.source.startsWith('assumption')) out.push(path);
    for (const [k, child] of Object.entries(o)) if (child && typeof child === 'object') walk(child, path ? `${path}.${k}` : k);
  };
  walk(profile, '');
  return out;
}
