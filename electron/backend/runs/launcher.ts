// The host's end of a worker process: one small interface with two adapters, Node's child_process.fork (the web host,
// the CLI and detached runners, here) and Electron's utilityProcess (electron/main/utility-launcher.ts). The worker
// entry is the same file under both (electron/workers/main.ts; bundled as out/main/run-worker.js for Electron).
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../paths.ts';

export interface WorkerExit {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: string | null;
  /** The last lines the process wrote to stderr (a crash's message), for the run's log. */
  stderr: string;
}

/** A running worker process as the host sees it. */
export interface WorkerProcess {
  readonly pid: number | null;
  /** Sends a message; `onSent` runs once it has left this process (or been queued by a transport without flow control). */
  send(message: unknown, onSent?: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process has ended (however it ended). */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Ends the process at once (SIGKILL): for a worker that ignores cancel. */
  kill(): void;
}

export interface WorkerLauncher {
  launch(): WorkerProcess;
}

/** Keeps the last `limit` characters a stream wrote. */
export function tailOf(limit = 4000) {
  let text = '';
  return {
    add(chunk: Buffer | string) {
      text = (text + chunk.toString()).slice(-limit);
    },
    get text() {
      return text;
    },
  };
}

/** The worker entry and how Node loads it: the TypeScript source through tsx, as the web host and the CLI run. */
export function workerEntry(root = projectRoot()): { path: string; execArgv: string[] } {
  const source = join(root, 'electron', 'workers', 'main.ts');
  return { path: source, execArgv: ['--import', fileURLToPath(import.meta.resolve('tsx'))] };
}

/** Node's child_process.fork: structured-clone messages ('advanced' serialization), stderr kept for crash reports. */
export function forkLauncher(entry = workerEntry()): WorkerLauncher {
  if (!existsSync(entry.path)) throw new Error(`the run worker entry ${entry.path} is missing: reinstall QNN Lab`);
  return {
    launch() {
      const child = fork(entry.path, [], {
        execArgv: entry.execArgv,
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      const stderr = tailOf();
      child.stderr?.on('data', (chunk: Buffer) => stderr.add(chunk));
      let exited: WorkerExit | null = null;
      const exitListeners: ((exit: WorkerExit) => void)[] = [];
      // 'close' comes after stderr has been read to its end, so a crash's last words are in the report.
      child.on('close', (code, signal) => {
        exited = { code, signal, stderr: stderr.text };
        for (const l of exitListeners) l(exited);
      });
      // A failed spawn emits 'error' and then 'close' (handled above); without a listener it would throw.
      child.on('error', (e) => stderr.add(`\n${e.message}`));
      return {
        pid: child.pid ?? null,
        send: (m, onSent) => {
          if (child.connected) child.send(m as never, onSent && (() => onSent()));
          else if (onSent) setImmediate(onSent);
        },
        onMessage: (listener) => void child.on('message', listener),
        onExit: (listener) => (exited ? listener(exited) : exitListeners.push(listener)),
        kill: () => void child.kill('SIGKILL'),
      };
    },
  };
}
