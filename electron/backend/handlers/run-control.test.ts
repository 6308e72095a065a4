// runs.start / cancel / resume / kinds through the dispatcher (the API every transport uses), with a real engine and
// forked workers: schema refusals name the field, a started run is returned as the API's RunDetail and finishes, a
// host without an engine refuses, and the kinds come with JSON Schemas a form can use.
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../test-support/files.ts';
import { RUN_KIND_NAMES } from '../../workers/kinds/index.ts';
import { openBackend, type Backend } from '../backend.ts';
import { forkLauncher } from '../runs/launcher.ts';

const dir = useTempDir('qnnlab-run-control-');
let backend: Backend | undefined;
afterEach(async () => {
  await backend?.shutdown();
  backend = undefined;
});

const open = (engine: boolean) =>
  (backend = openBackend({
    databasePath: dir.file('lab.db'),
    transport: 'http',
    version: 'test',
    seedSamples: false,
    engine: engine ? { launcher: forkLauncher(), claimUnowned: true, warn: () => {} } : undefined,
  }));

describe('run control through the API', () => {
  it('starts a run (RunDetail back), refuses bad requests naming the field, and the run finishes', async () => {
    const b = open(true);
    const refused = await b.dispatch('runs.start', { kind: 'train', config: { qubits: 8, layers: 11 } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'config.layers' } });
    expect(await b.dispatch('runs.start', { kind: 'train', config: {}, colour: 'red' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await b.dispatch('runs.start', { kind: 'nope', config: {} })).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'kind' } });
    const started = await b.dispatch('runs.start', { kind: 'train', config: { qubits: 4, layers: 2, samples: 16, epochs: 1 }, tags: ['smoke'] });
    expect(started).toMatchObject({ ok: true, value: { kind: 'train', tags: ['smoke'], config: { qubits: 4, layers: 2 } } });
    const id = (started as { value: { id: number } }).value.id;
    const done = await b.engine!.wait(id);
    expect(done.status).toBe('succeeded');
    expect(await b.dispatch('runs.resume', { id })).toMatchObject({ ok: false, error: { code: 'CONFLICT', field: 'id' } });
    expect(await b.dispatch('runs.cancel', { id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await b.dispatch('runs.cancel', { id: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a host without an engine refuses to start runs and says where they run', async () => {
    const b = open(false);
    expect(await b.dispatch('runs.start', { kind: 'train', config: { qubits: 4, layers: 2 } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/runs no runs/) },
    });
  });

  it('lists every registered kind with a JSON Schema of its config', async () => {
    const b = open(false);
    const kinds = await b.dispatch('runs.kinds', {});
    expect(kinds.ok).toBe(true);
    const list = (kinds as { value: { kind: string; configSchema: { type: string; properties: Record<string, unknown> } }[] }).value;
    expect(list.map((k) => k.kind)).toEqual([...RUN_KIND_NAMES]);
    const train = list.find((k) => k.kind === 'train')!;
    expect(train.configSchema.type).toBe('object');
    expect(train.configSchema.properties.qubits).toEqual({ type: 'integer', minimum: 2, maximum: 1024 });
  });
});
