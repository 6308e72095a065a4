// Error codes that cross the API boundary. Results are `{ok: true, value} | {ok: false, error}`, never thrown.
export const ERROR_CODES = [
  'VALIDATION', // the request did not match the channel's schema
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'CSV_INVALID', // an import refused: the message says what and where (line number)
  'TOO_LARGE',
  'CONFLICT',
  'CANCELLED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Optional structured detail, e.g. `{line: 12}` for a CSV error or zod issues for VALIDATION. */
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown inside the backend; the dispatcher turns it into `{ok: false, error}`. */
export class AppError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'AppError';
  }
}
