import { describe, expect, it } from 'vitest';
import { LabError } from '../errors.ts';
import { DETECT_ENCODING, decodeBytes, encodingWarning, normalizeEncoding, parseCsv } from './index.ts';

/** Windows-1252 bytes of a string (independent of TextDecoder: the code points below 0x100 that CSV text here uses). */
function cp1252(s: string): Uint8Array {
  return Uint8Array.from([...s], (ch) => {
    const c = ch.codePointAt(0)!;
    if (c >= 0x100 || (c >= 0x80 && c < 0xa0)) throw new Error(`not in the test's Latin-1 subset: ${ch}`);
    return c;
  });
}
function utf16(s: string, le: boolean): Uint8Array {
  const out = new Uint8Array(2 + 2 * s.length);
  out.set(le ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + 2 * i + (le ? 0 : 1)] = c & 0xff;
    out[2 + 2 * i + (le ? 1 : 0)] = c >> 8;
  }
  return out;
}
function thrown(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const TEXT = 'name,city,age\nFrançois,Paris,31\nZoë,Lyon,40\nZoé,Köln,22\nFrançois,Genève,57\n';

describe('decodeBytes', () => {
  it('reads a Windows-1252 file as windows-1252, detected, so "Zoë" and "Zoé" stay two categories', () => {
    const decoded = decodeBytes(cp1252(TEXT));
    expect(decoded).toEqual({ text: TEXT, encoding: 'windows-1252', detected: true });
    expect(encodingWarning(decoded)).toMatch(/not UTF-8 text; it was read as windows-1252 \(detected\)/);
    const d = parseCsv(decoded.text);
    expect(d.columns[0].categories).toEqual(['François', 'Zoé', 'Zoë']);
    // What a UTF-8 reader makes of the same bytes: the accents become U+FFFD and "Zoë"/"Zoé" merge.
    const lossy = parseCsv(new TextDecoder().decode(cp1252(TEXT)));
    expect(lossy.columns[0].categories).toEqual(['Fran\uFFFDois', 'Zo\uFFFD']);
  });

  it('reads UTF-8 with or without a byte-order mark, and UTF-16 with one, as they are, without a warning', () => {
    const utf8 = new TextEncoder().encode(TEXT);
    expect(decodeBytes(utf8)).toEqual({ text: TEXT, encoding: 'utf-8', detected: false });
    expect(decodeBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text: TEXT, encoding: 'utf-8', detected: false });
    expect(decodeBytes(utf16(TEXT, true))).toEqual({ text: TEXT, encoding: 'utf-16le', detected: false });
    expect(decodeBytes(utf16(TEXT, false))).toEqual({ text: TEXT, encoding: 'utf-16be', detected: false });
    expect(encodingWarning({ encoding: 'utf-8', detected: false })).toBeNull();
  });

  it('uses a chosen encoding as given, by any WHATWG label, and refuses bytes it cannot hold', () => {
    expect(decodeBytes(cp1252(TEXT), 'latin1')).toEqual({ text: TEXT, encoding: 'windows-1252', detected: false });
    expect(decodeBytes(cp1252(TEXT), ' ISO-8859-1 ').encoding).toBe('windows-1252');
    expect(decodeBytes(new TextEncoder().encode(TEXT), DETECT_ENCODING).encoding).toBe('utf-8');
    const e = thrown(() => decodeBytes(cp1252(TEXT), 'utf-8'));
    expect(e.code).toBe('CSV_INVALID');
    expect(e.message).toMatch(/not valid utf-8 text/);
  });

  it('refuses an unknown encoding name with VALIDATION naming the field', () => {
    const e = thrown(() => decodeBytes(new Uint8Array([65]), 'klingon-8'));
    expect(e.code).toBe('VALIDATION');
    expect(e.field).toBe('encoding');
    expect(e.value).toBe('klingon-8');
    expect(e.message).toMatch(/^Unknown encoding "klingon-8"\. Give an encoding name such as utf-8, windows-1252/);
    expect(normalizeEncoding('Shift_JIS')).toBe('shift_jis');
    expect(() => normalizeEncoding('replacement')).toThrow(/Unknown encoding/);
  });

  it('leaves binary files (NUL bytes) to the parser, which refuses them as binary', () => {
    const bytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xd8, 0x41]);
    const decoded = decodeBytes(bytes);
    expect(decoded.text).toHaveLength(bytes.length);
    expect(() => parseCsv(decoded.text)).toThrow(/NUL bytes .*binary file/);
  });

  it('finds the encoding from bytes far into a large file', () => {
    const head = 'name,value\n' + 'plain,1\n'.repeat(200_000);
    const decoded = decodeBytes(cp1252(head + 'Zoë,2\n'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text.endsWith('Zoë,2\n')).toBe(true);
  });
});
