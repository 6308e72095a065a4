// The web host's command line: the printed address carries a fresh secret per launch, and binding beyond loopback
// needs --allow-remote (with a warning). Runs the real entry point (tsx electron/web-host/main.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TOKEN_HEADER } from './trust.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const started: { child: ChildProcess; dir: string }[] = [];

interface Launch {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function launch(args: string[]): Launch {
  const dir = mkdtempSync(join(tmpdir(), 'qnnlab-web-main-'));
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['electron/web-host/main.ts', '--db', join(dir, 'lab.db'), '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ child, dir });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c));
  child.stderr!.on('data', (c: Buffer) => (err += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the printed address: http://127.0.0.1:<port>/?token=<secret>. */
async function address(run: Launch): Promise<{ origin: string; token: string }> {
  for (let i = 0; i < 300; i++) {
    const match = /listening on (http:\/\/[^/\s]+)\/\?token=([\w-]+)/.exec(run.stdout());
    if (match) return { origin: match[1], token: match[2] };
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no address printed; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
}

afterEach(async () => {
  for (const { child, dir } of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

const info = (origin: string, headers: Record<string, string>) =>
  fetch(`${origin}/api/rpc/app.info`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

describe('web host command', () => {
  it('prints its address with a fresh 256-bit secret at each launch; the API needs it', async () => {
    const [a, b] = [launch([]), launch([])];
    const [first, second] = await Promise.all([address(a), address(b)]);
    expect(first.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.token).toMatch(/^[\w-]{43}$/);
    expect(second.token).not.toBe(first.token);
    expect((await info(first.origin, {})).status).toBe(403);
    expect((await info(first.origin, { [TOKEN_HEADER]: second.token })).status).toBe(403);
    expect((await info(first.origin, { [TOKEN_HEADER]: first.token })).status).toBe(200);
  }, 60_000);

  it('refuses a non-loopback address without --allow-remote, and warns with it', async () => {
    const refused = launch(['--host', '0.0.0.0']);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toMatch(/--host 0\.0\.0\.0 would let other machines reach QNN Lab.*--allow-remote/s);

    const remote = launch(['--host', '0.0.0.0', '--allow-remote']);
    const { origin, token } = await address(remote);
    expect(remote.stderr()).toMatch(/warning: .*other machines.*plain HTTP/s);
    // Still behind the secret.
    expect((await info(origin, {})).status).toBe(403);
    expect((await info(origin, { [TOKEN_HEADER]: token })).status).toBe(200);
  }, 60_000);
});
