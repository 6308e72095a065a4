// Errors as they cross the API boundary. Results are `{ok: true, value} | {ok: false, error}`, never thrown.
// The codes and the error class are core's (core/errors.ts): one model from core to the renderer.
import type { ErrorCode } from '../../core/errors.ts';

export { ERROR_CODES, LabError, type ErrorCode, type ErrorFields } from '../../core/errors.ts';

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** The request field at fault (dotted path), when there is one: the renderer marks it. */
  field?: string;
  /** The value given for `field`. */
  value?: unknown;
  /** What `field` allows, in words. */
  allowed?: string;
  /** Other structured detail, e.g. `{line: 12}` for a CSV error or `{issues}` for a schema failure. */
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };
