// Run engines over a test's database with forked workers, as a host has them: each test file used to build the same
// engine by hand. The test closes them (closeAll) before it closes its backend.
import type { Backend } from '../electron/backend/backend.ts';
import { RunEngine } from '../electron/backend/runs/engine.ts';
import { localExecutor } from '../electron/backend/runs/executor.ts';
import { forkLauncher } from '../electron/backend/runs/launcher.ts';
import { createRunHost } from '../electron/backend/runs/run-host.ts';

export function runEngines(backend: () => Backend): { engine(): RunEngine; closeAll(): Promise<void> } {
  const open: RunEngine[] = [];
  return {
    engine() {
      const b = backend();
      const e = new RunEngine({
        runs: b.runs,
        host: createRunHost(b.datasets, b.devices),
        executor: localExecutor(forkLauncher(), 1),
        claimUnowned: true,
        warn: () => {},
      });
      open.push(e);
      return e;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((e) => e.close()));
    },
  };
}
