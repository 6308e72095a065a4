// Test helper: a small tmpfs to make a disk full or a folder read-only for real (root ignores file permissions, so
// chmod proves nothing there). Needs mount rights (root with CAP_SYS_ADMIN, as on the developers' machines and CI);
// elsewhere `mountTmpfs` says why, and the test skips with that message.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export interface Tmpfs {
  dir: string;
  readOnly(): void;
  writable(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `bytes` at `dir`, or returns the reason it cannot. */
export function mountTmpfs(dir: string, bytes: number): Tmpfs | string {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  mkdirSync(dir, { recursive: true });
  const run = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
  try {
    run('-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir);
  } catch (e) {
    return `cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  return {
    dir,
    readOnly: () => run('-o', 'remount,ro', dir),
    writable: () => run('-o', 'remount,rw', dir),
    unmount: () => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }),
  };
}
