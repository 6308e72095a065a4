// The `qnnlab` launcher (bin/qnnlab.mjs) as a real process: Ctrl+C (SIGINT) stops a long noisy run promptly with exit
// code 130, and under Node 20 (whose better-sqlite3 crashes) it re-runs itself with Node >= 22 instead of segfaulting.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../backend/paths.ts';

const bin = join(projectRoot(), 'bin', 'qnnlab.mjs');

/** CPU seconds a process has used (Linux /proc), or null where /proc is not available. */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (100 per second)
  } catch {
    return null;
  }
}

const nodeMajor = (node: string) => Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim());
const oldNode = '/usr/bin/node';
const hasOldNode = existsSync(oldNode) && nodeMajor(oldNode) < 22;

describe('qnnlab process', () => {
  it('Ctrl+C stops a long 32-qubit noisy run (p2 = 0.05, 100,000 shots) promptly with exit code 130', async () => {
    const input = JSON.stringify(Array.from({ length: 32 }, (_, k) => k + 1));
    const args = [
      bin,
      'simulate',
      '--qubits',
      '32',
      '--layers',
      '5',
      '--seed',
      '1',
      '--input',
      input,
      '--backend',
      'noisy',
      '--p1',
      '0.001',
      '--p2',
      '0.05',
      '--readout',
      '0.02',
      '--shots',
      '100000',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the run is well under way: 1.5 s of CPU (start-up takes under one), or 5 s without /proc.
    const started = Date.now();
    for (;;) {
      const cpu = cpuSeconds(child.pid!);
      if ((cpu !== null && cpu >= 1.5) || (cpu === null && Date.now() - started > 5000) || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(child.exitCode).toBeNull(); // still running: the run is long enough to interrupt
    const sentAt = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    const latency = performance.now() - sentAt;
    expect(code).toBe(130);
    expect(stderr).toMatch(/cancelled/);
    // Tens of ms when the machine is idle; the bound leaves room for a loaded 2-core machine.
    expect(latency).toBeLessThan(2000);
    console.log(`qnnlab simulate stopped ${latency.toFixed(0)} ms after SIGINT`);
  }, 60_000);

  it.skipIf(!hasOldNode)(
    'under Node 20 a command that opens the database re-runs itself with Node >= 22 instead of crashing',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'qnnlab-node20-'));
      try {
        const env = { ...process.env, PATH: '/usr/bin:/bin' }; // no Node 22+ on PATH: the launcher finds the local one
        const out = execFileSync(oldNode, [bin, 'dataset', 'list', '--db', join(dir, 'lab.db'), '--json'], { encoding: 'utf8', env, cwd: dir });
        expect(JSON.parse(out)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
