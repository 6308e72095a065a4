// The utilityProcess adapter against a fake utility process that behaves as Electron 45's does (Electron itself cannot
// start on these machines): pid only from 'spawn' to 'exit', 'exit' with a code only (0 after its own kill), every
// stderr listener dropped right after 'exit' while the pipe may still hold the crash's last words.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../core/errors.ts';
import type { WorkerExit } from '../backend/runs/launcher.ts';
import { utilityLauncher, type UtilityProcessModule } from './utility-launcher.ts';

class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  stderr: PassThrough | null = new PassThrough();
  posted: unknown[] = [];
  kills = 0;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  kill() {
    this.kills++;
    return this.pid !== undefined;
  }
  spawn(pid: number) {
    this.pid = pid;
    this.emit('spawn');
  }
  /** As lib/browser/api/utility-process.ts does: emit, then drop the handle and every stdio listener. */
  exit(code: number) {
    try {
      this.emit('exit', code);
    } finally {
      this.pid = undefined;
      this.stderr?.removeAllListeners();
      this.stderr = null;
    }
  }
}

function setup(drainMs = 10_000) {
  const child = new FakeUtilityProcess();
  const forks: unknown[][] = [];
  const module: UtilityProcessModule = {
    fork: (...args) => {
      forks.push(args);
      return child;
    },
  };
  const worker = utilityLauncher(module, { modulePath: import.meta.filename, drainMs }).launch();
  const exits: WorkerExit[] = [];
  worker.onExit((e) => exits.push(e));
  return { child, stderr: child.stderr!, forks, worker, exits };
}

describe('utilityLauncher', () => {
  it('forks the worker module with no arguments, a service name and a piped stderr', () => {
    const { forks } = setup();
    expect(forks).toEqual([[import.meta.filename, [], { serviceName: 'QNN Lab run worker', stdio: ['ignore', 'inherit', 'pipe'] }]]);
  });

  it('refuses a missing worker bundle, naming it', () => {
    const fake = { fork: () => new FakeUtilityProcess() };
    const error = (() => {
      try {
        utilityLauncher(fake, { modulePath: '/nowhere/run-worker.js' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({ code: 'INTERNAL', details: { path: '/nowhere/run-worker.js' } });
    expect((error as Error).message).toContain('/nowhere/run-worker.js is missing');
  });

  it('posts messages sent before the process spawned (Electron queues them) and after, none after exit', () => {
    const { child, stderr, worker } = setup();
    worker.send({ type: 'start', runId: 1 });
    child.spawn(4242);
    worker.send({ type: 'cancel' });
    stderr.end();
    child.exit(0);
    worker.send({ type: 'cancel' });
    expect(child.posted).toEqual([{ type: 'start', runId: 1 }, { type: 'cancel' }]);
  });

  it('knows the pid from spawn on, and keeps it after exit', () => {
    const { child, stderr, worker } = setup();
    expect(worker.pid).toBeNull();
    child.spawn(4242);
    expect(worker.pid).toBe(4242);
    stderr.end();
    child.exit(0);
    expect(child.pid).toBeUndefined();
    expect(worker.pid).toBe(4242);
  });

  it('delivers messages in order, all of them before the exit', async () => {
    const { child, stderr, worker, exits } = setup();
    const seen: unknown[] = [];
    worker.onMessage((m) => seen.push(exits.length ? 'after exit' : m));
    child.spawn(7);
    for (let i = 0; i < 100; i++) child.emit('message', { type: 'progress', fraction: i / 100 });
    child.emit('message', { type: 'result', result: new Float64Array([1, 2]) });
    stderr.end();
    child.exit(0);
    await sleep(0);
    expect(seen).toHaveLength(101);
    expect(seen.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => ({ type: 'progress', fraction: i / 100 })));
    expect(seen[100]).toEqual({ type: 'result', result: new Float64Array([1, 2]) });
    expect(exits).toEqual([{ code: 0, signal: null, stderr: '' }]);
  });

  it('reports exit codes as they come: a crash, and kill -9 from outside (the signal number, no signal name)', async () => {
    for (const code of [1, 9]) {
      const { child, stderr, exits } = setup();
      child.spawn(7);
      stderr.end();
      child.exit(code);
      await sleep(0);
      expect(exits).toEqual([{ code, signal: null, stderr: '' }]);
    }
  });

  it('reports its own kill as SIGTERM (Electron reports exit code 0 for it), and does not kill twice or after exit', async () => {
    const { child, stderr, worker, exits } = setup();
    child.spawn(7);
    worker.kill();
    stderr.end();
    child.exit(0);
    worker.kill();
    await sleep(0);
    expect(child.kills).toBe(1);
    expect(exits).toEqual([{ code: null, signal: 'SIGTERM', stderr: '' }]);
  });

  it('a kill that found no process (it had just ended) leaves a clean exit clean', async () => {
    const { child, stderr, worker, exits } = setup();
    worker.kill(); // not spawned yet: Electron's kill() returns false
    child.spawn(7);
    stderr.end();
    child.exit(0);
    await sleep(0);
    expect(exits).toEqual([{ code: 0, signal: null, stderr: '' }]);
  });

  it("keeps stderr's tail, including what the pipe delivers after 'exit', and reports once stderr has ended", async () => {
    const { child, stderr, exits } = setup();
    child.spawn(7);
    stderr.write('x'.repeat(5000));
    stderr.write('worker started\n');
    await sleep(0);
    child.exit(1);
    stderr.write('Error: out of memory\n    at run (run-worker.js:1:1)\n');
    await sleep(0);
    expect(exits).toEqual([]);
    stderr.end();
    await sleep(0);
    expect(exits).toHaveLength(1);
    expect(exits[0].code).toBe(1);
    expect(exits[0].stderr).toHaveLength(4000);
    expect(exits[0].stderr.endsWith('worker started\nError: out of memory\n    at run (run-worker.js:1:1)\n')).toBe(true);
  });

  it('reports the exit after drainMs when stderr never ends', async () => {
    const { child, stderr, exits } = setup(30);
    child.spawn(7);
    stderr.write('last words\n');
    child.exit(3);
    await sleep(5);
    expect(exits).toEqual([]);
    await sleep(60);
    expect(exits).toEqual([{ code: 3, signal: null, stderr: 'last words\n' }]);
  });

  it("a V8 fatal error ('error', then 'exit') reaches onExit once, with where it happened", async () => {
    const { child, stderr, worker, exits } = setup(20);
    child.spawn(7);
    child.emit('error', 'FatalError', 'v8::ToLocalChecked Empty MaybeLocal', '{"header":{}}');
    child.exit(134);
    stderr.end();
    await sleep(60);
    const late: WorkerExit[] = [];
    worker.onExit((e) => late.push(e));
    expect(exits).toEqual([{ code: 134, signal: null, stderr: '\nFatalError at v8::ToLocalChecked Empty MaybeLocal\n' }]);
    expect(late).toEqual(exits);
  });
});
