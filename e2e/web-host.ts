// Starts the real web host (tsx electron/web-host/main.ts) on a random port with a fresh database.
// Shared by the Playwright fixture and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN_HEADER, TOKEN_PARAMETER, tokenCookieName } from '../electron/web-host/trust.ts';

export interface WebHost {
  /** The host's origin, e.g. http://127.0.0.1:40123 (no secret: the API refuses it without the token). */
  url: string;
  /** The address the host printed, with this launch's secret (what a user opens). */
  address: string;
  token: string;
  /** Headers that authorise an API call from a script. */
  authHeaders: Record<string, string>;
  /** The cookie the first visit of `address` sets, for a browser context (Playwright's addCookies shape). */
  cookie: { name: string; value: string; url: string; httpOnly: true; sameSite: 'Strict' };
  port: number;
  dir: string;
  databasePath: string;
  process: ChildProcess;
  /** Output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..');

/** `port`: default a free one; a given port lets a test restart a host where the page expects it. */
export async function startWebHost(options: { timeoutMs?: number; label?: string; args?: string[]; port?: number } = {}): Promise<WebHost> {
  const dir = mkdtempSync(join(tmpdir(), `qnnlab-${options.label ?? 'e2e'}-`));
  const databasePath = join(dir, 'qnnlab.db');
  const args = ['electron/web-host/main.ts', '--db', databasePath, '--port', String(options.port ?? 0), ...(options.args ?? [])];
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (output += chunk));

  const address = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The web host did not start within ${options.timeoutMs ?? 30_000} ms. Output:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const match = /QNN Lab web host listening on (http:\/\/\S+\?token=\S+)/.exec(output);
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

  const parsed = new URL(address);
  const token = parsed.searchParams.get(TOKEN_PARAMETER)!;
  const port = Number(parsed.port);
  let stopped: Promise<void> | null = null;
  return {
    url: parsed.origin,
    address,
    token,
    authHeaders: { [TOKEN_HEADER]: token },
    cookie: { name: tokenCookieName(port), value: token, url: parsed.origin, httpOnly: true, sameSite: 'Strict' },
    port,
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

/**
 * Waits (at most `timeoutMs`) until the host's engine has no queued or running run: a seeded database's queued runs
 * have no configuration, and the engine fails them at once on start. Benchmarks measure after that, so their
 * figures are the page's, not the engine's.
 */
export async function waitForIdleEngine(host: WebHost, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${host.url}/api/rpc/runs.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...host.authHeaders },
      body: JSON.stringify({ status: ['queued', 'running'], limit: 1 }),
    });
    const listed = (await response.json()) as { ok: boolean; value?: { total: number } };
    if (!listed.ok || listed.value!.total === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}
