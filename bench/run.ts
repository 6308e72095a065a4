// `npm run bench [-- --json] [-- --only NAME]`: runs every benchmark module and prints one JSON object on its
// last line (figures from all modules merged). Each module exports `run(): Promise<Record<string, unknown>>`.
import { parseArgs } from 'node:util';

const modules: Record<string, () => Promise<{ run(): Promise<Record<string, unknown>> }>> = {
  quantum: () => import('./quantum.ts'),
  hardware: () => import('./hardware.ts'),
  datasets: () => import('./datasets.ts'),
  impute: () => import('./impute.ts'),
  runs: () => import('./runs.ts'),
  import: () => import('./import.ts'),
  reports: () => import('./reports.ts'),
  // Needs the built renderer (`npm run build`); `npm run bench` builds first.
  'dataset-list-ui': () => import('../e2e/bench-list.ts'),
  'runs-list-ui': () => import('../e2e/bench-runs-list.ts'),
  'run-page-ui': () => import('../e2e/bench-run-page.ts'),
};

const { values } = parseArgs({ options: { json: { type: 'boolean' }, only: { type: 'string' } }, allowPositionals: true });
const result: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
for (const [name, load] of Object.entries(modules)) {
  if (values.only && values.only !== name) continue;
  process.stderr.write(`bench: ${name}...\n`);
  try {
    Object.assign(result, await (await load()).run());
  } catch (e) {
    // One failing module (e.g. no Chromium for the UI benchmark) must not hide the others' figures.
    process.stderr.write(`bench: ${name} failed: ${(e as Error).message}\n`);
    result[`${name}_error`] = (e as Error).message;
  }
}
if (!values.json) process.stderr.write('(figures below; pass --json for the bare object)\n');
process.stdout.write(JSON.stringify(result) + '\n');
