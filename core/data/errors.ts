// The one error an import throws: what is wrong and, when it can be pinned down, the 1-based line of the file.
// Hosts map `kind` to their own error codes (the backend: 'invalid' -> CSV_INVALID, 'too-large' -> TOO_LARGE).

export type DataImportErrorKind = 'invalid' | 'too-large';

export class DataImportError extends Error {
  readonly line?: number;
  readonly kind: DataImportErrorKind;
  constructor(message: string, options: { line?: number; kind?: DataImportErrorKind } = {}) {
    super(message);
    this.name = 'DataImportError';
    this.kind = options.kind ?? 'invalid';
    if (options.line !== undefined) this.line = options.line;
  }
}
