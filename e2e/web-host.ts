// Starts the real web host (tsx electron/web-host/main.ts) on a random port with a fresh database.
// Shared by the Playwright fixture and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface WebHost {
  url: string;
  dir: string;
  databasePath: string;
  process: ChildProcess;
  /** Output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..');

export async function startWebHost(options: { timeoutMs?: number; label?: string; args?: string[] } = {}): Promise<WebHost> {
  const dir = mkdtempSync(join(tmpdir(), `qnnlab-${options.label ?? 'e2e'}-`));
  const databasePath = join(dir, 'qnnlab.db');
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['electron/web-host/main.ts', '--db', databasePath, '--port', '0', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (output += chunk));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The web host did not start within ${options.timeoutMs ?? 30_000} ms. Output:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const match = /QNN Lab web host listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The web host exited before listening (code ${code}, signal ${signal}). Output:\n${output}`));
    });
  });

  let stopped: Promise<void> | null = null;
  return {
    url,
    dir,
    databasePath,
    process: child,
    log: () => output,
    stop() {
      stopped ??= new Promise<void>((done) => {
        const finish = () => {
          rmSync(dir, { recursive: true, force: true });
          done();
        };
        if (child.exitCode !== null || child.signalCode !== null) return finish();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          finish();
        });
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}
