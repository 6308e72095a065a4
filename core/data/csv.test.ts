import { describe, expect, it } from 'vitest';
import { AbortError, type LabError } from '../errors.ts';
import { runSteps } from '../pacer.ts';
import { DataImportError, detectDelimiter, parseCsv, parseCsvAsync, parseCsvSteps, toCsv, toNumber } from './index.ts';
import type { Dataset } from './index.ts';
import { pbcText } from '../../test-support/files.ts';

const pbc = pbcText();

function col(d: Dataset, name: string) {
  const c = d.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}
function cells(d: Dataset, name: string): (number | string | null)[] {
  const c = col(d, name);
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : c.categories ? c.categories[v] : v));
}
function refused(text: string, options = {}): DataImportError {
  try {
    parseCsv(text, options);
  } catch (e) {
    if (e instanceof DataImportError) return e;
    throw e;
  }
  throw new Error('expected the import to be refused');
}

describe('delimiters and quoting', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n4,5,6\n'],
    [';', 'a;b;c\n1,5;2;3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n4\t5\t6\n'],
    ['|', 'a|b|c\n1|2|3\n4|5|6\n'],
  ])('detects %j', (delim, text) => {
    expect(detectDelimiter(text)).toBe(delim);
    const d = parseCsv(text);
    expect(d.delimiter).toBe(delim);
    expect(d.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(d.rows).toBe(2);
  });

  it('reads decimal commas as numbers when the delimiter is not a comma, with a warning', () => {
    const d = parseCsv('a;b;c\n1,5;x;2\n-0,25;y;3\n;z;4\n');
    expect(col(d, 'a').type).toBe('numeric');
    expect(cells(d, 'a')).toEqual([1.5, -0.25, null]);
    expect(d.warnings).toEqual(['Column "a" uses decimal commas; it was read as numbers.']);
    expect(col(parseCsv('a;b\n1,5;x\n1,2,3;y\n'), 'a').type).toBe('categorical');
  });

  it('ignores delimiters inside quotes when detecting', () => {
    const text = 'name;note;x\n"a";"1,2,3";1\n"b";"4,5,6";2\n';
    expect(detectDelimiter(text)).toBe(';');
    expect(cells(parseCsv(text), 'note')).toEqual(['1,2,3', '4,5,6']);
  });

  it('reads quoted fields with delimiters, quotes and newlines, and reports lines after them', () => {
    const text = 'id,note,x\n1,"hello, world",1.5\n2,"two\nlines",2\n3,"say ""hi""",3\n';
    const d = parseCsv(text);
    expect(d.rows).toBe(3);
    expect(cells(d, 'note')).toEqual(['hello, world', 'two\nlines', 'say "hi"']);
    expect(cells(d, 'x')).toEqual([1.5, 2, 3]);
    // Row 3 of data starts on file line 5 because of the embedded newline.
    const e = refused('id,note,x\n1,"a",1\n2,"two\nlines",2\n3,"c"\n');
    expect(e.line).toBe(5);
    expect(e.message).toMatch(/line 5 has 2 fields but the header \(line 1\) has 3: too few/);
  });

  it('accepts CRLF line ends, a BOM, a missing final newline and trailing blank lines', () => {
    const d = parseCsv('\ufeffa,b\r\n1,x\r\n2,y\r\n\r\n\r\n');
    expect(d.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(cells(d, 'a')).toEqual([1, 2]);
    expect(cells(d, 'b')).toEqual(['x', 'y']);
    expect(parseCsv('a,b\n1,2').rows).toBe(1);
  });

  it('detects a file without a header and names its columns V1..Vn', () => {
    const d = parseCsv('1,2,3\n4,5,6\n');
    expect(d.columns.map((c) => c.name)).toEqual(['V1', 'V2', 'V3']);
    expect(d.rows).toBe(2);
    expect(parseCsv('a,b\n1,2\n', { hasHeader: false }).rows).toBe(2);
  });
});

describe('missing values', () => {
  it('treats empty cells, NA, NaN, ? and whitespace as missing, plus user tokens', () => {
    const text = 'a,b\n1,x\n,y\nNA,z\nNaN,NA\n?,?\n  ,w\n-99,.\n';
    const d = parseCsv(text, { missingTokens: ['-99', '.'] });
    expect(cells(d, 'a')).toEqual([1, null, null, null, null, null, null]);
    expect(cells(d, 'b')).toEqual(['x', 'y', 'z', null, null, 'w', null]);
    expect(d.missingTokens).toEqual(['NA', 'NaN', '?', '-99', '.']);
    // Without the extra tokens -99 is a number and '.' a category.
    const plain = parseCsv(text);
    expect(cells(plain, 'a')[6]).toBe(-99);
    expect(cells(plain, 'b')[6]).toBe('.');
  });

  it('imports an entirely missing column with a warning naming it', () => {
    const d = parseCsv('a,empty,c\n1,,x\n2,NA,y\n');
    expect(col(d, 'empty').role).toBe('ignored');
    expect(d.warnings.join(' ')).toMatch(/"empty" is entirely missing/);
  });
});

describe('types and roles', () => {
  it('infers pbc.csv: id identifier, sex categorical, death binary outcome', () => {
    const d = parseCsv(pbc);
    expect(d.rows).toBe(418);
    expect(d.columns).toHaveLength(20);
    expect(col(d, 'id')).toMatchObject({ type: 'numeric', role: 'identifier' });
    expect(col(d, 'sex')).toMatchObject({ type: 'categorical', role: 'feature', categories: ['f', 'm'] });
    expect(col(d, 'death')).toMatchObject({ type: 'binary', role: 'outcome', categories: null });
    expect(col(d, 'ascites')).toMatchObject({ type: 'binary', role: 'feature' });
    expect(col(d, 'edema').type).toBe('numeric'); // 0, 0.5, 1
    expect(col(d, 'bili')).toMatchObject({ type: 'numeric', role: 'feature' });
    let missing = 0;
    for (const c of d.columns) for (const v of c.values) if (Number.isNaN(v)) missing++;
    expect(missing).toBe(1033);
  });

  it('binary string columns keep their labels, the negative one coded 0', () => {
    const d = parseCsv('smoker,sex,y\nyes,f,a\nno,m,b\nYes,f,a\n');
    // Three distinct strings (yes, no, Yes): categorical.
    expect(col(d, 'smoker').type).toBe('categorical');
    const e = parseCsv('smoker,sex\nyes,f\nno,m\nyes,f\n');
    expect(col(e, 'smoker')).toMatchObject({ type: 'binary', categories: ['no', 'yes'] });
    expect(cells(e, 'smoker')).toEqual(['yes', 'no', 'yes']);
    expect(Array.from(col(e, 'smoker').values)).toEqual([1, 0, 1]);
    expect(col(e, 'sex')).toMatchObject({ type: 'categorical', categories: ['f', 'm'] });
  });

  it('uses the outcome the user names, and refuses an unknown one', () => {
    const text = 'patient_id,age,status,died\nA1,50,alive,0\nB2,60,dead,1\nC3,70,alive,1\n';
    const guessed = parseCsv(text);
    expect(col(guessed, 'died').role).toBe('outcome');
    expect(col(guessed, 'patient_id').role).toBe('identifier');
    const chosen = parseCsv(text, { outcome: 'status' });
    expect(col(chosen, 'status')).toMatchObject({ role: 'outcome', type: 'binary', categories: ['alive', 'dead'] });
    expect(col(chosen, 'died').role).toBe('feature');
    expect(refused(text, { outcome: 'mortality' }).message).toMatch(/outcome column "mortality" is not in the file/);
  });

  it('takes all-unique strings and row counters for identifiers, not ordinary numbers', () => {
    const n = 30;
    const lines = ['code,counter,value'];
    for (let i = 0; i < n; i++) lines.push(`P${1000 + i},${i + 1},${(i * 7) % n}`);
    const d = parseCsv(lines.join('\n'));
    expect(col(d, 'code').role).toBe('identifier');
    expect(col(d, 'counter').role).toBe('identifier');
    expect(col(d, 'value').role).toBe('feature'); // unique integers, but not in order
  });

  it('parses numbers strictly', () => {
    expect(toNumber('1.5e3')).toBe(1500);
    expect(toNumber('-.5')).toBe(-0.5);
    expect(toNumber('0x10')).toBeNaN();
    expect(toNumber('Infinity')).toBeNaN();
    expect(toNumber('1,5')).toBeNaN();
    expect(toNumber('12abc')).toBeNaN();
  });
});

describe('bad input is refused with what and where', () => {
  it('ragged rows: too few and too many fields, with the line and the counts', () => {
    const few = refused('a,b,c\n1,2,3\n4,5\n');
    expect(few.line).toBe(3);
    expect(few.message).toMatch(/line 3 has 2 fields but the header \(line 1\) has 3: too few/);
    const many = refused('a,b\n1,2\n3,4\n5,6,7\n');
    expect(many.line).toBe(4);
    expect(many.message).toMatch(/line 4 has 3 fields .* has 2: too many/);
  });
  it('an empty file, or only whitespace', () => {
    expect(refused('').message).toBe('The file is empty.');
    expect(refused(' \n\n \r\n').message).toBe('The file is empty.');
  });
  it('binary garbage', () => {
    expect(refused('a,b\n1,2\n\0\0\u0001').message).toMatch(/NUL bytes \(first on line 3\).*binary/);
    const junk = Array.from({ length: 500 }, (_, i) => String.fromCharCode((i * 37) % 31 === 9 ? 1 : ((i * 37) % 31) + 1)).join('');
    expect(refused(junk).message).toMatch(/non-printable/);
    expect(refused('\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdPNG\ufffd\ufffd').message).toMatch(/not UTF-8 text .*binary file/);
  });
  it('duplicate column names, named', () => {
    const e = refused('age,sex,age,bili,sex\n1,f,2,3,m\n');
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/Duplicate column names on line 1: "age" \(columns 1 and 3\), "sex" \(columns 2 and 5\)/);
  });
  it('a header without data rows', () => {
    const e = refused('a,b,c\n');
    expect(e.message).toMatch(/header \(line 1\) but no data rows/);
  });
  it('a file over the size limit', () => {
    const e = refused('a,b\n1,2\n3,4\n', { maxBytes: 8 });
    expect(e.kind).toBe('too-large');
    expect(e.message).toMatch(/too large/);
  });
  it('an unterminated quote, with its line', () => {
    const e = refused('a,b\n1,2\n"open,3\n4,5\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/never closed on line 3/);
  });
});

describe('export', () => {
  it('round-trips pbc.csv: same values, strings back as strings, missing as empty', () => {
    const d = parseCsv(pbc);
    const text = toCsv(d);
    expect(text.split('\n')[0]).toBe(
      'id,time,trt,age,sex,ascites,hepato,spiders,edema,bili,chol,albumin,copper,alk.phos,ast,trig,platelet,protime,stage,death',
    );
    expect(text.split('\n')[1]).toBe('1,400,1,58.7652292950034,f,1,1,1,1,14.5,261,2.6,156,1718,137.95,172,190,12.2,4,1');
    const back = parseCsv(text);
    expect(back.rows).toBe(d.rows);
    d.columns.forEach((c, j) => {
      expect(back.columns[j]).toMatchObject({ name: c.name, type: c.type, role: c.role, categories: c.categories });
      expect(Array.from(back.columns[j].values)).toEqual(Array.from(c.values));
    });
  });
  it('quotes labels that need it', () => {
    const d = parseCsv('name,x\n"a, b",1\n"say ""hi""",2\n" pad",\n');
    const text = toCsv(d);
    expect(text).toBe('name,x\n"a, b",1\n"say ""hi""",2\npad,\n');
    const back = parseCsv(text);
    expect(cells(back, 'name')).toEqual(['a, b', 'say "hi"', 'pad']);
    expect(cells(back, 'x')).toEqual([1, 2, null]);
  });
});

describe('missing-value tokens that would blank an outcome or a large part of a column', () => {
  function conflict(text: string, options: object) {
    try {
      parseCsv(text, options);
    } catch (e) {
      return e as LabError;
    }
    throw new Error('expected the import to be refused');
  }

  it('refuses "0" on pbc: it would turn the outcome death into a constant; names the token, column and count', () => {
    const zeros = pbc
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => l.split(',')[19] === '0').length;
    expect(zeros).toBe(257);
    for (const options of [{ missingTokens: ['0'] }, { missingTokens: ['0'], outcome: 'death' }]) {
      const e = conflict(pbc, options);
      expect(e.code).toBe('CONFLICT');
      expect(e.field).toBe('missingTokens');
      expect(e.value).toEqual(['0']);
      expect(e.message).toContain(`"0" would blank 257 of 418 cells of the outcome column "death" (61%)`);
      expect(e.message).toMatch(/Nothing was imported\..*import anyway/);
    }
    // Confirmed, it imports as asked (and the outcome is then constant, which the user chose).
    const d = parseCsv(pbc, { missingTokens: ['0'], outcome: 'death', confirmMissingTokens: true });
    expect(col(d, 'death').role).toBe('outcome');
    expect(cells(d, 'death').filter((v) => v === null)).toHaveLength(257);
  });

  it('refuses a token that blanks more than a third of any column, not one that blanks fewer cells', () => {
    const rows = ['a,b', '-99,1', '-99,2', '-99,-99', '6,3', '7,4', '8,5', '9,6'];
    const e = conflict(rows.join('\n'), { missingTokens: ['-99'] });
    expect(e.message).toBe(
      'The missing-value token "-99" would blank 3 of 7 cells of column "a" (43%). Nothing was imported. Check the tokens; if those cells really are missing, import anyway.',
    );
    expect(e.details).toEqual({ blanked: [{ token: '-99', column: 'a', cells: 3, outcome: false }], rows: 7 });
    // Exactly a third (2 of 6) is not more than a third: no question asked.
    const ok = parseCsv(['a,b', '-99,1', '-99,2', '5,-99', '6,3', '7,4', '8,5'].join('\n'), { missingTokens: ['-99'] });
    expect(cells(ok, 'a')[0]).toBeNull();
    // The default tokens are never questioned.
    expect(parseCsv('a,b\nNA,1\nNA,2\n3,4\n', { missingTokens: ['NA'] }).rows).toBe(3);
  });
});

describe('parsing in steps (parseCsvAsync: progress and cancel in a worker)', () => {
  const FINE = { chunkChars: 7, rowsPerStep: 2 };
  const texts: [string, string][] = [
    ['pbc', pbc],
    ['quoted fields with delimiters, quotes and newlines', 'id,note,x\r\n1,"hello, world",1.5\r\n2,"two\r\nlines",2\r\n\r\n3,"say ""hi""",3\r\n4,,5\r\n'],
    ['one column with a missing cell', 'a\n1\n\n2\n3\n\n'],
    ['semicolons and decimal commas', 'a;b;c\n1,5;x;2\n-0,25;y;3\n;z;4\n'],
  ];
  it.each(texts)('cut into the finest steps, %s reads exactly as in one pass', (_name, text) => {
    const options = text === pbc ? { outcome: 'death' } : {};
    expect(runSteps(parseCsvSteps(text, options, FINE))).toEqual(parseCsv(text, options));
  });

  it('reports the line of a quote error found after many steps', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},"note ${i}"`);
    const text = () => ['id,note', ...rows].join('\n');
    const parse = () => runSteps(parseCsvSteps(text(), {}, FINE));
    rows[37] = '37,"closed" then text';
    expect(parse).toThrow(DataImportError);
    expect(parse).toThrow('A quoted field is malformed (text after its closing quote) on line 39.');
    rows[37] = '37,"note 37"';
    rows[49] = '49,"open';
    expect(parse).toThrow('A quoted field is never closed on line 51.');
    expect(() => parseCsv(text())).toThrow('A quoted field is never closed on line 51.');
  });

  // 200,000 rows of 4 columns (about 3.5 MB): enough work for the pacer to pause many times.
  const big = ['a,b,c,d', ...Array.from({ length: 200_000 }, (_, i) => `${i % 97},${(i * 7) % 13}.5,${i % 5 === 0 ? 'NA' : i % 3},x${i % 4}`)].join('\n');

  it('reports a rising fraction over both parts of the parse, and gives the same dataset', async () => {
    const seen: number[] = [];
    const d = await parseCsvAsync(big, {}, { onProgress: (f) => seen.push(f) });
    expect(d).toEqual(parseCsv(big));
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[0]).toBeGreaterThanOrEqual(0);
    expect(seen[seen.length - 1]).toBeLessThanOrEqual(1);
    // Splitting rows reports below 0.6, typing the columns above.
    expect(seen.some((f) => f > 0 && f < 0.6)).toBe(true);
    expect(seen.some((f) => f > 0.6)).toBe(true);
  });

  it('stops with CANCELLED soon after its signal fires mid-parse', async () => {
    const controller = new AbortController();
    let reports = 0;
    const parse = parseCsvAsync(big, {}, { signal: controller.signal, onProgress: () => ++reports === 2 && controller.abort() });
    await expect(parse).rejects.toThrow(AbortError);
    await expect(parse).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(reports).toBe(2);
  });

  it('does not start when its signal has already fired', async () => {
    await expect(parseCsvAsync('a\n1\n', {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
