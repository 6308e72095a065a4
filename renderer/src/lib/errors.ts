// Turns an ApiError into what an error panel shows: what went wrong, the host's message, and what to do.
import type { ApiError, ErrorCode } from '../../../electron/contract/errors.ts';

export interface ErrorView {
  title: string;
  message: string;
  hint: string;
  line: number | null;
}

const TITLES: Record<ErrorCode, string> = {
  VALIDATION: 'The request was not accepted',
  UNKNOWN_CHANNEL: 'The host does not know this action',
  NOT_FOUND: 'Not found',
  CSV_INVALID: 'The file could not be imported',
  TOO_LARGE: 'The file is too large',
  CONFLICT: 'This conflicts with existing data',
  CANCELLED: 'Cancelled',
  FORBIDDEN: 'Refused by the host',
  DATABASE: 'The experiment database cannot be used',
  READ_ONLY: 'The database cannot be written',
  DISK_FULL: 'The disk is full',
  BUSY: 'The database is busy',
  UNAVAILABLE: 'A program this needs is not installed',
  INTERNAL: 'Something went wrong in QNN Lab',
};

const HINTS: Record<ErrorCode, string> = {
  VALIDATION: 'Check the values you entered and try again.',
  UNKNOWN_CHANNEL: 'The app and its host are out of step: reload the page or restart QNN Lab.',
  NOT_FOUND: 'It may have been deleted in another window. Go back to the list and refresh.',
  CSV_INVALID: 'Fix the file (or choose another one) and import it again. Nothing was imported.',
  TOO_LARGE: 'Split the file into smaller parts and import each. Nothing was imported.',
  CONFLICT: 'Choose another name, or refresh and try again.',
  CANCELLED: 'Start it again when you are ready.',
  FORBIDDEN: 'Open QNN Lab from the address the host printed when it started (it carries the access key).',
  DATABASE: 'Restore the database from a backup, or start QNN Lab on another database file.',
  READ_ONLY: 'Make the database file and its folder writable, then try again. Nothing was changed.',
  DISK_FULL: 'Free some disk space, then try again. Nothing was changed.',
  BUSY: 'Another QNN Lab process is using the database; try again in a moment.',
  UNAVAILABLE: 'Install what the message names on the machine running QNN Lab, or choose another format.',
  INTERNAL: 'Try again. If it keeps failing, restart QNN Lab and check the host log.',
};

export function lineOf(details: unknown): number | null {
  if (typeof details === 'object' && details !== null && 'line' in details) {
    const line = (details as { line: unknown }).line;
    if (typeof line === 'number' && Number.isFinite(line)) return line;
  }
  return null;
}

export function describeError(error: ApiError): ErrorView {
  const code = (error.code in TITLES ? error.code : 'INTERNAL') as ErrorCode;
  return { title: TITLES[code], message: sentence(error.message) || 'No message was given.', hint: HINTS[code], line: lineOf(error.details) };
}

/** The host's messages may read as clauses ("qubits must be ..."); shown as sentences. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** The form field an error is about: the first segment of its `field` (a request path), or null. Never the wording. */
export function errorField(error: ApiError | null | undefined): string | null {
  return error?.field ? error.field.split('.')[0] : null;
}
