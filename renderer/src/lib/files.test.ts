import { describe, expect, it } from 'vitest';
import { parseTokens } from './files.ts';

describe('parseTokens', () => {
  it('splits, trims and de-duplicates', () => {
    expect(parseTokens(' -99, n/a ,,-99,  ')).toEqual(['-99', 'n/a']);
    expect(parseTokens('')).toEqual([]);
  });
});
