// `qnnlab run start` is held to the budget set in the app's Settings (the engine's guard, as runs.start is): a device
// training over it exits 2 naming the budget, with nothing queued; --over-budget starts it on purpose.
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../test-support/files.ts';
import { openBackend } from '../../backend/backend.ts';
import { updateLabSettings } from '../../backend/services/settings.ts';
import { runQnnlab } from '../test-io.ts';

const dir = useTempDir('qnnlab-run-budget-');
const DEVICE = ['--qubits', '8', '--layers', '2', '--samples', '16', '--epochs', '1', '--shots', '100', '--backend', 'ionq-aria', '--latency-scale', '0'];

function withBackend<T>(work: (b: ReturnType<typeof openBackend>) => T): T {
  const backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false });
  try {
    return work(backend);
  } finally {
    backend.close();
  }
}

describe('qnnlab run start and the budget in Settings', () => {
  it('refuses a device training over the budget (exit 2, nothing queued) and starts it with --over-budget', async () => {
    withBackend((b) => updateLabSettings(b.runs.db, { budgetUSD: 1 }));
    const refused = await runQnnlab('run', 'start', 'train', ...DEVICE, '--db', dir.file('lab.db'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exceeds the budget of 1.00 USD set in Settings; nothing was queued');
    expect(refused.stderr).toContain('--over-budget');
    expect(withBackend((b) => b.runs.list({}).total)).toBe(0);

    const forced = await runQnnlab('run', 'start', 'train', ...DEVICE, '--over-budget', '--json', '--db', dir.file('lab.db'));
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ kind: 'train', status: 'succeeded', config: { backend: 'ionq-aria', shots: 100 } });
  }, 60_000);
});
