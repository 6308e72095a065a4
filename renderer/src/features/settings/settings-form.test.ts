import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultsPatch, openDatabaseCommand } from './settings-form.ts';

describe('the defaults form', () => {
  it('empty fields clear a setting; values are checked by the contract schema, naming the field', () => {
    expect(defaultsPatch({ defaultBackend: '', budgetUSD: '' })).toEqual({ patch: { defaultBackend: null, budgetUSD: null }, problems: {} });
    expect(defaultsPatch({ defaultBackend: 'ionq-aria', budgetUSD: 12.5 })).toEqual({ patch: { defaultBackend: 'ionq-aria', budgetUSD: 12.5 }, problems: {} });
    expect(defaultsPatch({ defaultBackend: '', budgetUSD: -1 }).problems).toEqual({ budgetUSD: 'must be >= 0; got -1' });
    expect(defaultsPatch({ defaultBackend: '', budgetUSD: 'lots' }).problems).toEqual({ budgetUSD: 'must be a number of USD; got "lots"' });
  });
});

describe('opening another database', () => {
  it('gives the command of this host, the path one shell word whatever it holds', () => {
    const path = "/data/lab's db/exp 1.db";
    const web = openDatabaseCommand('http', path);
    expect(web.startsWith('npx tsx electron/web-host/main.ts --db ')).toBe(true);
    // A real shell reads the path back exactly.
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${web.slice(web.indexOf('--db'))}`], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    expect(words).toEqual(['--db', path]);
    expect(openDatabaseCommand('electron', '/tmp/a.db')).toBe('QNNLAB_DB=/tmp/a.db npm start');
    expect(openDatabaseCommand('http', '  ')).toContain('--db PATH/TO/lab.db');
  });
});
