// `npm run mutate [-- <stryker run flags>]`: mutation testing of core/ with Stryker, configured in stryker.config.mjs.
// A --mutate given on the command line replaces the config's list, tests and all (`--mutate 'core/train/**'` would
// mutate train.test.ts too), so the config's exclusions are appended to it here.
import { NOT_MUTATED } from '../stryker.config.mjs';
import { ensureNode22, run } from './node22.mjs';

ensureNode22();

const args = process.argv.slice(2).map((arg, k, all) => {
  const value = arg.startsWith('--mutate=') || ((all[k - 1] === '--mutate' || all[k - 1] === '-m') && !arg.startsWith('-'));
  return value ? [arg, ...NOT_MUTATED].join(',') : arg;
});
process.exit(run('stryker', ['run', ...args]));
