// ESLint: TypeScript and Vue rules, Prettier for layout (eslint-config-prettier turns off the rules it owns), and the
// layer rules of ARCHITECTURE.md as lint rules (eslint-plugin-boundaries): core imports nothing outside core and no
// node:*; the renderer imports only the contract from electron/; electron/backend never imports `electron`; workers
// import only core and the contract; chart option builders (renderer/src/charts) import only core, the contract and
// the number format, so that the backend may render them to SVG for reports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { builtinModules } from 'node:module';

const LAYERS = [
  { type: 'core', pattern: 'core/**', partialMatch: false },
  { type: 'contract', pattern: 'electron/contract/**', partialMatch: false },
  { type: 'backend', pattern: 'electron/backend/**', partialMatch: false },
  { type: 'workers', pattern: 'electron/workers/**', partialMatch: false },
  { type: 'main', pattern: 'electron/main/**', partialMatch: false },
  { type: 'preload', pattern: 'electron/preload/**', partialMatch: false },
  { type: 'web-host', pattern: 'electron/web-host/**', partialMatch: false },
  { type: 'cli', pattern: 'electron/cli/**', partialMatch: false },
  // Chart option builders: pure functions shared by the renderer and the backend's report renderer (SSR). Listed
  // before 'renderer' (the first matching element wins).
  { type: 'charts', pattern: 'renderer/src/charts/**', partialMatch: false },
  { type: 'renderer', pattern: 'renderer/**', partialMatch: false },
  { type: 'resources', pattern: 'resources/**', partialMatch: false },
];

/** Node's own modules, as `no-restricted-imports` paths (bare and node: forms). */
const NODE_MODULES = builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`]));
const restrict = (names, why) => ['error', { paths: names.map((name) => ({ name, message: why })) }];
const NO_HOST = 'core/, the contract and workers import no Node module, no electron and no better-sqlite3 (ARCHITECTURE.md).';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tools/**', 'reports/**', '.stryker-tmp/**', 'coverage/**', 'test-results/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    // Playwright reads a fixture's first parameter as a destructuring pattern: `async ({}, use)` is its idiom.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    // The layer rules (not for tests, which may use Node to set up files and databases).
    files: ['core/**/*.ts', 'electron/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.vue'],
    ignores: ['**/*.test.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      // The one renderer module chart builders may use, and the backend with them (a report's tables format numbers as the charts do).
      'boundaries/files': [{ category: 'chart-format', pattern: 'renderer/src/lib/format.ts' }],
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs', '.json', '.vue'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            { from: { element: { type: 'core' } }, disallow: { to: { element: { type: '!(core|resources)' } } } },
            { from: { element: { type: 'contract' } }, disallow: { to: { element: { type: '!(core|contract|resources)' } } } },
            { from: { element: { type: 'renderer' } }, disallow: { to: { element: { type: '(backend|workers|main|preload|web-host|cli)' } } } },
            { from: { element: { type: 'workers' } }, disallow: { to: { element: { type: '!(core|contract|workers)' } } } },
            { from: { element: { type: 'backend' } }, disallow: { to: { element: { type: '(main|web-host|cli|renderer)' } } } },
            { from: { element: { type: 'charts' } }, disallow: { to: { element: { type: '!(core|contract|charts)' } } } },
            { from: { element: { type: '(charts|backend)' } }, allow: { to: { file: { categories: 'chart-format' } } } },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts', 'electron/contract/**/*.ts', 'electron/workers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict([...NODE_MODULES, 'electron', 'better-sqlite3'], NO_HOST) },
  },
  {
    files: ['electron/backend/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'electron/backend is shared by every host: it never imports electron (ARCHITECTURE.md).' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [...NODE_MODULES, 'electron', 'better-sqlite3'],
        'The renderer runs in a sandboxed page: no Node module, no electron (ARCHITECTURE.md).',
      ),
    },
  },
  {
    // The number format is part of the chart builders' world (the backend renders them): it imports no other module.
    files: ['renderer/src/lib/format.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_MODULES,
          patterns: [
            { regex: '^\\.', message: 'renderer/src/lib/format.ts is imported by chart builders, which the backend renders: it imports no other module.' },
          ],
        },
      ],
    },
  },
  prettier,
);
