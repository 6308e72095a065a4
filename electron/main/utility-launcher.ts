// The desktop app's WorkerLauncher: each run's worker as an Electron utilityProcess (the web host and the CLI use
// forkLauncher in electron/backend/runs/launcher.ts; the worker entry is the same file, bundled as run-worker.js).
// Where utilityProcess differs from child_process.fork (Electron 45, lib/browser/api/utility-process.ts and
// shell/browser/api/electron_api_utility_process.cc), and what this adapter makes of it:
// - 'exit' carries only a code. A process killed from outside reports the signal's number as its code (9 after
//   kill -9, on POSIX); one ended by child.kill() (SIGTERM, then SIGKILL after 2 s) reports 0, as if it had finished.
//   So `signal` is 'SIGTERM' when this adapter's kill() ended the process, and null otherwise.
// - pid is undefined until 'spawn' and again after 'exit': kept here from 'spawn' on (the worker's 'ready' carries it).
// - Messages posted before the process has spawned are queued (a Mojo pipe made at fork); after 'exit' they are dropped.
// - An unlistened 'error' event (a V8 fatal error in the child, followed by 'exit') would throw in the main process.
// - Electron removes every listener of the child's stderr stream right after emitting 'exit', while a crash's last
//   words may still be in the pipe: the exit is reported once stderr has ended, or `drainMs` after 'exit'.
import { existsSync } from 'node:fs';
import { LabError } from '../../core/errors.ts';
import { tailOf, type WorkerExit, type WorkerLauncher, type WorkerProcess } from '../backend/runs/launcher.ts';

/** The worker bundle, beside the main bundle's index.js (electron.vite.config.ts builds both into out/main). */
export const RUN_WORKER_BUNDLE = 'run-worker.js';

/** What the launcher uses of a utility process (Electron's UtilityProcess; a fake in tests). */
export interface UtilityChild {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (type: string, location: string) => void): unknown;
}

/** Electron's utilityProcess module, as far as the launcher uses it. */
export interface UtilityProcessModule {
  fork(modulePath: string, args: string[], options: { serviceName: string; stdio: ['ignore', 'inherit', 'pipe'] }): UtilityChild;
}

export interface UtilityLauncherOptions {
  /** The worker bundle (RUN_WORKER_BUNDLE beside the main bundle). */
  modulePath: string;
  /** How long after 'exit' to wait at most for the rest of stderr (the pipe's end may never be seen). */
  drainMs?: number;
}

export function utilityLauncher(utilityProcess: UtilityProcessModule, options: UtilityLauncherOptions): WorkerLauncher {
  const { modulePath, drainMs = 100 } = options;
  if (!existsSync(modulePath)) {
    throw new LabError('INTERNAL', `the run worker ${modulePath} is missing: reinstall QNN Lab`, { details: { path: modulePath } });
  }
  return {
    launch(): WorkerProcess {
      // stdout inherited as forkLauncher does: a piped stdout that nobody reads would block a chatty worker.
      const child = utilityProcess.fork(modulePath, [], { serviceName: 'QNN Lab run worker', stdio: ['ignore', 'inherit', 'pipe'] });
      const stderr = tailOf();
      const stream = child.stderr;
      let streamEnded = stream === null;
      let pid: number | null = null;
      let code: number | undefined;
      let killed = false;
      let exited: WorkerExit | null = null;
      const exitListeners: ((exit: WorkerExit) => void)[] = [];

      const finish = () => {
        if (exited || code === undefined) return;
        exited = killed && code === 0 ? { code: null, signal: 'SIGTERM', stderr: stderr.text } : { code, signal: null, stderr: stderr.text };
        for (const l of exitListeners) l(exited);
      };
      const onData = (chunk: Buffer | string) => stderr.add(chunk);
      const onEnd = () => {
        streamEnded = true;
        finish();
      };
      const listen = () => {
        stream?.off('data', onData).on('data', onData);
        stream?.off('end', onEnd).on('end', onEnd);
      };
      listen();

      child.on('spawn', () => (pid = child.pid ?? null));
      child.on('error', (type, location) => stderr.add(`\n${type} at ${location}\n`));
      child.on('exit', (exitCode) => {
        code = exitCode;
        if (streamEnded) return finish();
        // Electron drops the stream's listeners once this emit returns: hold its data (paused) until, in a
        // microtask that runs after that, we listen again.
        stream?.pause();
        queueMicrotask(() => {
          listen();
          stream?.resume();
        });
        setTimeout(finish, drainMs);
      });
      return {
        get pid() {
          return pid;
        },
        send: (message, onSent) => {
          if (code === undefined) child.postMessage(message);
          // postMessage has no flow control: the message is queued once it returns.
          if (onSent) setImmediate(onSent);
        },
        onMessage: (listener) => void child.on('message', listener),
        onExit: (listener) => (exited ? listener(exited) : exitListeners.push(listener)),
        kill: () => {
          if (code === undefined && child.kill()) killed = true;
        },
      };
    },
  };
}
