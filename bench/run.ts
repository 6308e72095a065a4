// `npm run bench [-- --json] [-- --only NAME]`: runs every benchmark module and prints one JSON object on its
// last line (figures from all modules merged). Each module exports `run(): Promise<Record<string, unknown>>`.
import { parseArgs } from 'node:util';

const modules: Record<string, () => Promise<{ run(): Promise<Record<string, unknown>> }>> = {
  hardware: () => import('./hardware.ts'),
  quantum: () => import('./quantum.ts'),
  datasets: () => import('./datasets.ts'),
  // Needs the built renderer (`npm run build`); `npm run bench` builds first.
  'dataset-list-ui': () => import('../e2e/bench-list.ts'),
};

const { values } = parseArgs({ options: { json: { type: 'boolean' }, only: { type: 'string' } }, allowPositionals: true });
const result: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
for (const [name, load] of Object.entries(modules)) {
  if (values.only && values.only !== name) continue;
  process.stderr.write(`bench: ${name}...\n`);
  Object.assign(result, await (await load()).run());
}
if (!values.json) process.stderr.write('(figures below; pass --json for the bare object)\n');
process.stdout.write(JSON.stringify(result) + '\n');
