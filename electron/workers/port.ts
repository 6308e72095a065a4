// The worker's end of its channel to the host, one small interface with two adapters: Electron's utilityProcess
// (process.parentPort, messages wrapped in MessageEvent-like objects) and Node's child_process.fork (process.send and
// the 'message' event). Both use structured clone, so typed arrays arrive as they were sent. Workers import no Node
// module: both adapters use only the `process` global.

/** What a worker needs of its host connection. */
export interface WorkerPort {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The host went away (it exited or was killed): the worker should stop. */
  onClose(listener: () => void): void;
}

/** Electron's process.parentPort, as far as the worker uses it (declared here: workers do not import electron). */
export interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** Node's process as a forked child sees it, as far as the worker uses it. */
export interface ForkedProcess {
  send?: (message: unknown) => boolean;
  connected?: boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

export function electronPort(parentPort: ElectronParentPort, proc: Pick<ForkedProcess, 'on'>): WorkerPort {
  return {
    send: (m) => parentPort.postMessage(m),
    onMessage: (listener) => void parentPort.on('message', (e) => listener(e.data)),
    // A utility process is killed with its parent; 'disconnect' never fires, so there is nothing to watch.
    onClose: (listener) => void proc.on('disconnect', listener),
  };
}

export function forkPort(proc: ForkedProcess): WorkerPort {
  const send = proc.send;
  if (!send) throw new Error('this worker must be started by a QNN Lab host (child_process.fork or utilityProcess), not directly');
  return {
    send: (m) => {
      // After the host disconnected there is nobody to tell; the close listener ends the worker.
      if (proc.connected !== false) send.call(proc, m);
    },
    onMessage: (listener) => void proc.on('message', listener),
    onClose: (listener) => void proc.on('disconnect', listener),
  };
}

/** The port of this process: Electron's parentPort when running as a utility process, else the fork channel. */
export function processPort(): WorkerPort {
  const proc = process as unknown as ForkedProcess & { parentPort?: ElectronParentPort };
  return proc.parentPort ? electronPort(proc.parentPort, proc) : forkPort(proc);
}
