// Mutation testing of core/ with Stryker (`npm run mutate`, scripts/mutate.mjs): slow, so not part of `npm test`.
// Reports go to reports/mutation/ (JSON for tools, HTML to browse), never committed.

/** Files under core/ that are never mutated: the tests and benchmarks themselves. */
export const NOT_MUTATED = ['!core/**/*.test.ts', '!core/**/*.bench.ts'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // The project's vitest config, in a sandbox without electron/ and renderer/ (ignorePatterns below), so only core's
  // tests run: the others import core too and would run, slowly and with databases, for core's mutants. (Not the
  // testFiles option: with it, Stryker 10.1 activates static mutants too late and reports them as survivors,
  // stryker-js#6144.) perTest coverage then runs, per mutant, only the tests that reach it.
  vitest: { configFile: 'vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: ['core/**/*.ts', ...NOT_MUTATED],
  // Static mutants (module-level constants evaluated once at load) need a fresh environment and the whole suite each;
  // TypeScript types are never mutated.
  ignoreStatic: true,
  // The machine has 2 cores shared with other engineers: one test runner (raise it with --concurrency on an idle machine).
  concurrency: 1,
  // Generous margins: a busy shared machine must not turn a slow test into a timeout.
  timeoutMS: 15_000,
  timeoutFactor: 2.5,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { logTests: false, reportTests: false },
  // Not copied into the sandbox: what core's tests do not need (core imports nothing outside core but resources/).
  ignorePatterns: [
    '/out',
    '/dist',
    '/.tools',
    '/electron',
    '/renderer',
    '/e2e',
    '/bench',
    '/scripts',
    '/test-results',
    '/playwright-report',
    '/.test-summary',
    '/coverage',
    '/.data',
  ],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
