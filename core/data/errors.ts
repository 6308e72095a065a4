// The one error an import throws: what is wrong and, when it can be pinned down, the 1-based line of the file.
// A LabError: kind 'invalid' is code CSV_INVALID, 'too-large' is TOO_LARGE; the line goes to `details.line`.
import { LabError } from '../errors.ts';

export type DataImportErrorKind = 'invalid' | 'too-large';

export class DataImportError extends LabError {
  readonly line?: number;
  readonly kind: DataImportErrorKind;
  constructor(message: string, options: { line?: number; kind?: DataImportErrorKind; field?: string } = {}) {
    const kind = options.kind ?? 'invalid';
    super(kind === 'too-large' ? 'TOO_LARGE' : 'CSV_INVALID', message, {
      ...(options.field !== undefined ? { field: options.field } : {}),
      ...(options.line !== undefined ? { details: { line: options.line } } : {}),
    });
    this.name = 'DataImportError';
    this.kind = kind;
    if (options.line !== undefined) this.line = options.line;
  }
}

/** A refusal of an import as the user sees it: the file named first, the code and fields kept; anything else as it is. */
export function inFile(fileName: string, e: unknown): unknown {
  if (!(e instanceof LabError)) return e;
  return new LabError(e.code, `Cannot import "${fileName}": ${e.message}`, {
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(e.value !== undefined ? { value: e.value } : {}),
    ...(e.allowed !== undefined ? { allowed: e.allowed } : {}),
    details: { fileName, ...e.details },
  });
}
