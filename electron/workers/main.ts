// The run worker's entry: the same file runs as an Electron utilityProcess and as a Node child_process.fork (the web
// host, the CLI, detached runners). It imports core and the contract only; the host owns the database.
import { processPort } from './port.ts';
import { serveRun } from './serve.ts';
import { runKind } from './kinds/index.ts';

serveRun(processPort(), runKind, { pid: process.pid, exit: (code) => process.exit(code) });
// A terminal's Ctrl+C reaches the whole process group, this worker included; the host decides what it means (a
// `cancel` message, or ending the worker), so the worker does not die of it on its own.
process.on('SIGINT', () => {});
