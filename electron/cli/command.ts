// The shape of a `qnnlab` command: the CLI stays thin, each command parses its flags with node:util's
// parseArgs and calls core/ or the backend services.
import type { ParseArgsConfig } from 'node:util';
import { LabError, type ErrorCode, type ErrorFields } from '../../core/errors.ts';

/**
 * A failure the user caused, found by the CLI itself (a flag, a file): printed as `qnnlab: <message>` on stderr
 * with no stack trace. A LabError like any other (code VALIDATION unless given), so it maps to the same exit codes.
 */
export class UserError extends LabError {
  constructor(message: string, fields: ErrorFields & { code?: ErrorCode } = {}) {
    super(fields.code ?? 'VALIDATION', message, fields);
    this.name = 'UserError';
  }
}

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Aborted on SIGINT, so long work stops cleanly. */
  signal: AbortSignal;
}

export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A flag: parseArgs' type, plus what `--help` says of it and whether the command cannot run without it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** One line for `--help`: what the flag does, its range and its default. */
  description?: string;
  /** The value's placeholder in `--help`, e.g. 'N' or 'FILE' (default 'VALUE'). */
  value?: string;
  /** Checked before the command runs; every missing required flag is reported at once. */
  required?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface Command {
  /** Words that select the command, e.g. ['dataset', 'import']. */
  path: string[];
  summary: string;
  usage: string;
  options: FlagSpecs;
  /** Number of positional arguments allowed (default 0). */
  positionals?: number;
  /** Lines printed after the flags by `--help` (examples, notes). */
  notes?: string[];
  /** Left out of `qnnlab help` (an internal command another command starts, e.g. a detached runner). */
  hidden?: boolean;
  /** Resolves with the exit code when it is not 0 without being an error (e.g. `run wait` on a failed run). */
  run(flags: Flags, positionals: string[], io: CommandIO): Promise<void | number> | void | number;
}

/** The options parseArgs takes (our descriptions stripped). */
export function parseArgsOptions(specs: FlagSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { type: s.type, ...(s.multiple ? { multiple: true } : {}), ...(s.short ? { short: s.short } : {}) }]),
  );
}

export function printJson(io: CommandIO, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Parses a flag as a number, refusing anything that is not a finite number (or not an integer when asked). */
export function numberFlag(flags: Flags, name: string, opts: { integer?: boolean; min?: number; max?: number; required?: boolean } = {}): number | undefined {
  const raw = flags[name];
  if (raw === undefined) {
    if (opts.required) throw new UserError(`--${name} is required`);
    return undefined;
  }
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    throw new UserError(`--${name} must be a number, got "${String(raw)}"`);
  }
  if (opts.integer && !Number.isInteger(value)) throw new UserError(`--${name} must be an integer, got ${raw}`);
  if (opts.min !== undefined && value < opts.min) throw new UserError(`--${name} must be at least ${opts.min}, got ${raw}`);
  if (opts.max !== undefined && value > opts.max) throw new UserError(`--${name} must be at most ${opts.max}, got ${raw}`);
  return value;
}

/** Parses a flag holding a JSON array of finite numbers. */
export function numberArrayFlag(flags: Flags, name: string, required = false): number[] | undefined {
  const raw = flags[name];
  if (raw === undefined) {
    if (required) throw new UserError(`--${name} is required (a JSON array of numbers, e.g. '[0.1, 0.2]')`);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    throw new UserError(`--${name} must be a JSON array of numbers, e.g. '[0.1, 0.2]'; got ${String(raw)}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new UserError(`--${name} must be a JSON array of finite numbers, e.g. '[0.1, 0.2]'; got ${String(raw)}`);
  }
  return parsed as number[];
}

/** A comma-separated flag as its non-empty, trimmed items (undefined when the flag is absent). */
export function listFlag(flags: Flags, name: string): string[] | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function stringFlag(flags: Flags, name: string, required = false): string | undefined {
  const raw = flags[name];
  if (raw === undefined) {
    if (required) throw new UserError(`--${name} is required`);
    return undefined;
  }
  return String(raw);
}

export function choiceFlag<T extends string>(flags: Flags, name: string, choices: readonly T[], fallback?: T): T {
  const raw = flags[name];
  if (raw === undefined) {
    if (fallback === undefined) throw new UserError(`--${name} is required: one of ${choices.join(', ')}`);
    return fallback;
  }
  if (!choices.includes(raw as T)) throw new UserError(`--${name} must be one of ${choices.join(', ')}; got "${String(raw)}"`);
  return raw as T;
}
