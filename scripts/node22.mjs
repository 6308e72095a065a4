// QNN Lab needs Node 22 or newer (better-sqlite3 13, Electron 45's Node). When this script runs on an older Node,
// it installs a local Node 24 from the npm registry (scripts/ensure-node.sh) and re-runs the same command with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureNode22() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return;
  const bin = execFileSync('bash', [join(root, 'scripts', 'ensure-node.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  const result = spawnSync(join(bin, 'node'), process.argv.slice(1), { stdio: 'inherit', env });
  process.exit(result.status ?? 1);
}

/** Runs a command from node_modules/.bin (or any program), inheriting stdio; returns its exit code. */
export function run(command, args, options = {}) {
  const local = join(root, 'node_modules', '.bin', command);
  const result = spawnSync(local, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error?.code === 'ENOENT') return spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options }).status ?? 1;
  return result.status ?? 1;
}
