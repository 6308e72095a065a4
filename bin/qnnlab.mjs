#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `qnnlab` works straight after `npm install` with no build step. On a Node
// older than 22 (where better-sqlite3 crashes) it re-runs itself with a Node >= 22, as `npm start` and `npm test` do,
// passing Ctrl+C on to it.
import { rerunOnNode22 } from '../scripts/node22.mjs';

const code = await rerunOnNode22();
if (code !== null) process.exit(code);

// Ctrl+C cancels the run (commands stop within a fraction of a second, writing nothing half-done); a second Ctrl+C
// more than a second later stops the process at once. Installed before the CLI loads, so an early Ctrl+C counts.
const controller = new AbortController();
let interruptedAt = 0;
process.on('SIGINT', () => {
  if (interruptedAt && Date.now() - interruptedAt > 1000) process.exit(130);
  interruptedAt ||= Date.now();
  controller.abort();
});
const { register } = await import('tsx/esm/api');
register();
const { runCli } = await import('../electron/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
