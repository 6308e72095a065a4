// `npm test`: every test of the project, in order: typecheck, lint (ESLint with the layer rules, Prettier), unit tests
// (vitest), build, end-to-end (Playwright in headless Chromium against the web host). Ends with one line
// `N passed, N failed` over all tests.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNode22, root, run } from './node22.mjs';

ensureNode22();
const results = join(root, '.test-summary');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function step(title, command, args) {
  console.log(`\n=== ${title} ===`);
  const code = run(command, args);
  if (code !== 0) console.error(`\n${title} failed (exit code ${code})`);
  return code;
}

const counts = { passed: 0, failed: 0, skipped: 0 };
let failed = step('typecheck', 'tsc', ['-p', 'tsconfig.json']) !== 0;
failed = step('typecheck (Vue)', 'vue-tsc', ['-p', 'tsconfig.json']) !== 0 || failed;
failed = step('lint (ESLint: rules and layers)', 'eslint', ['.']) !== 0 || failed;
failed = step('format (Prettier)', 'prettier', ['--check', '.']) !== 0 || failed;
failed = step('unit tests', 'vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile=${join(results, 'vitest.json')}`]) !== 0 || failed;
if (existsSync(join(results, 'vitest.json'))) {
  const v = JSON.parse(readFileSync(join(results, 'vitest.json'), 'utf8'));
  counts.passed += v.numPassedTests;
  counts.failed += v.numFailedTests;
  counts.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}
const built = step('build', 'electron-vite', ['build']) === 0;
failed = !built || failed;
if (built) {
  const code = step('end-to-end tests', 'playwright', ['test']);
  failed = code !== 0 || failed;
  const report = join(results, 'playwright.json');
  if (existsSync(report)) {
    const s = JSON.parse(readFileSync(report, 'utf8')).stats;
    counts.passed += s.expected + (s.flaky ?? 0);
    counts.failed += s.unexpected;
    counts.skipped += s.skipped;
  } else if (code !== 0) counts.failed += 1;
}
console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failed || counts.failed > 0 ? 1 : 0);
