// QNN Lab needs Node 22 or newer (better-sqlite3 13, Electron 45's Node). When a script runs on an older Node, it
// installs a local Node 24 from the npm registry (scripts/ensure-node.sh) and re-runs the same command with it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const recent = () => Number(process.versions.node.split('.')[0]) >= 22;

/** The bin folder of a Node >= 22 (the machine's, or the local Node 24, installed on first use). */
function node22Bin() {
  return execFileSync('bash', [join(root, 'scripts', 'ensure-node.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function node22Env(bin) {
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
}

export function ensureNode22() {
  if (recent()) return;
  const bin = node22Bin();
  const result = spawnSync(join(bin, 'node'), process.argv.slice(1), { stdio: 'inherit', env: node22Env(bin) });
  process.exit(result.status ?? 1);
}

/**
 * For long-running commands (the `qnnlab` CLI): on a Node older than 22, runs the same command with a Node >= 22 and
 * resolves with its exit code (128 + signal number when a signal ended it); SIGINT and SIGTERM sent to this process
 * are passed on, so Ctrl+C and `kill` cancel the real work. Resolves with null when this Node is recent enough.
 */
export async function rerunOnNode22() {
  if (recent()) return null;
  const bin = node22Bin();
  const child = spawn(join(bin, 'node'), process.argv.slice(1), { stdio: 'inherit', env: node22Env(bin) });
  const pass = (signal) => child.kill(signal);
  process.on('SIGINT', pass);
  process.on('SIGTERM', pass);
  const [code, signal] = await once(child, 'exit');
  return code ?? 128 + (constants.signals[signal] ?? 0);
}

/** Runs a command from node_modules/.bin (or any program), inheriting stdio; returns its exit code. */
export function run(command, args, options = {}) {
  const local = join(root, 'node_modules', '.bin', command);
  const result = spawnSync(local, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error?.code === 'ENOENT') return spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options }).status ?? 1;
  return result.status ?? 1;
}
