// The one error model of QNN Lab. A failure the user can cause is a LabError: a code (the API's error codes), a
// message that says what is wrong and what is allowed, and, where it applies, the field at fault, the value given
// and the allowed range, so that every host shows the same message and the renderer marks the same field.
// Anything else thrown is a bug and reaches the user as INTERNAL (electron/backend/errors.ts maps both).

/** Every error code that crosses the API boundary (the contract re-exports this list). */
export const ERROR_CODES = [
  'VALIDATION', // bad input: a request field, a flag, a file's content; `field` names it
  'UNKNOWN_CHANNEL', // the host does not know the API channel
  'NOT_FOUND', // a dataset, run, profile... that does not exist (any more)
  'CSV_INVALID', // an import refused: the message says what and where (details.line)
  'TOO_LARGE', // over a size limit (file, request, counts)
  'CONFLICT', // clashes with existing data (a taken name, a built-in profile)
  'CANCELLED', // stopped by the user (Ctrl+C, Cancel); nothing half-written
  'FORBIDDEN', // refused by the web host's trust boundary
  'DATABASE', // the experiment database cannot be opened or used (not ours, newer, damaged)
  'READ_ONLY', // the database or a target file cannot be written (permissions, read-only media)
  'DISK_FULL', // no space left while writing; nothing half-written
  'BUSY', // another process holds the database for longer than the busy timeout
  'UNAVAILABLE', // a program this needs is not installed here (e.g. Chromium to print a PDF); the message says what to install
  'INTERNAL', // a bug: everything not listed above
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorFields {
  /** The input at fault: a request field or flag as a dotted path (e.g. 'qubits', 'fidelity.twoQubit'). */
  field?: string;
  /** The value given (JSON-safe). */
  value?: unknown;
  /** What is allowed, in words, e.g. 'a power of two between 2 and 1024'. */
  allowed?: string;
  /** Other JSON-safe detail, e.g. `{line: 12}` for a CSV error. */
  details?: Record<string, unknown>;
}

export class LabError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly value?: unknown;
  readonly allowed?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, fields: ErrorFields = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
    if (fields.field !== undefined) this.field = fields.field;
    if ('value' in fields) this.value = fields.value;
    if (fields.allowed !== undefined) this.allowed = fields.allowed;
    if (fields.details !== undefined) this.details = fields.details;
  }
}

/** Bad input (code VALIDATION): the message names the offending value and the allowed range. */
export class InvalidInputError extends LabError {
  constructor(message: string, fields: ErrorFields = {}) {
    super('VALIDATION', message, fields);
    this.name = 'InvalidInputError';
  }
}

/** Thrown by long-running work when its AbortSignal fires (code CANCELLED). */
export class AbortError extends LabError {
  constructor(message = 'cancelled') {
    super('CANCELLED', message);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

/** A value as a message shows it: numbers as they are, everything else as (shortened) JSON. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  const text = JSON.stringify(v);
  if (text === undefined) return String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
