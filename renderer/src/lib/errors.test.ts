import { describe, expect, it } from 'vitest';
import { describeError, errorField, lineOf } from './errors.ts';

describe('describeError', () => {
  it('keeps the host message and adds what to do', () => {
    const view = describeError({ code: 'CSV_INVALID', message: 'Line 7 has 3 fields, expected 20.', details: { line: 7 } });
    expect(view.title).toBe('The file could not be imported');
    expect(view.message).toBe('Line 7 has 3 fields, expected 20.');
    expect(view.hint).toMatch(/Nothing was imported/);
    expect(view.line).toBe(7);
  });
  it('falls back for unknown codes and missing details', () => {
    const view = describeError({ code: 'WHATEVER' as never, message: '' });
    expect(view.title).toMatch(/went wrong/);
    expect(view.message).toBe('No message was given.');
    expect(lineOf(undefined)).toBeNull();
  });
});

describe('errorField', () => {
  it("is the first segment of the error's field, and nothing else", () => {
    expect(errorField({ code: 'VALIDATION', message: 'x', field: 'name' })).toBe('name');
    expect(errorField({ code: 'VALIDATION', message: 'x', field: 'fidelity.twoQubit' })).toBe('fidelity');
    expect(errorField({ code: 'VALIDATION', message: 'name must not be empty' })).toBeNull();
    expect(errorField(null)).toBeNull();
  });
});

describe('sentence', () => {
  it('capitalises a message that reads as a clause', () => {
    expect(describeError({ code: 'VALIDATION', message: 'qubits must be a power of two' }).message).toBe('Qubits must be a power of two');
  });
});
