// A run on an IonQ QPU through the dispatcher (the API the app uses), with a real engine and the fake IonQ service:
// runs.start refuses it without confirmCharges (VALIDATION naming the field, its estimate in the message, nothing
// queued, nothing submitted); confirmed, it runs and records its jobs. A run on ionq:simulator needs no confirmation,
// and none of this reaches a worker or the database without a key: refused at runs.start, naming apiKey.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_IONQ_KEY, ionqEnvironment, startFakeIonq, type FakeIonq } from '../../../test-support/fake-ionq.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { openBackend, type Backend } from '../backend.ts';
import { forkLauncher } from './launcher.ts';

const dir = useTempDir('qnnlab-charges-');
let fake: FakeIonq;
let backend: Backend | undefined;
const ionqEnv = ionqEnvironment();
beforeAll(async () => {
  fake = await startFakeIonq();
});
afterAll(() => fake.close());
afterEach(async () => {
  await backend?.shutdown();
  backend = undefined;
  ionqEnv.restore();
});

const open = () =>
  (backend = openBackend({
    databasePath: dir.file('lab.db'),
    transport: 'http',
    version: 'test',
    seedSamples: false,
    engine: { launcher: forkLauncher(), claimUnowned: true, warn: () => {} },
  }));
const QPU = { qubits: 4, layers: 1, samples: 2, batch: 2, epochs: 1, shots: 100, backend: 'ionq:qpu.aria-1' };
const posts = () => fake.log.filter((r) => r.method === 'POST').length;

describe('runs.start on a cloud QPU', () => {
  it('is refused without confirmCharges (nothing queued or submitted), and runs when confirmed', async () => {
    process.env.QNNLAB_IONQ_URL = fake.url;
    process.env.QNNLAB_IONQ_API_KEY = FAKE_IONQ_KEY;
    const b = open();
    const before = posts();
    const refused = await b.dispatch('runs.start', { kind: 'train', config: QPU });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'confirmCharges' } });
    expect((refused as { error: { message: string } }).error.message).toMatch(
      /ionq:qpu.aria-1, IonQ's quantum computer, and is charged .*estimated \d+\.\d\d USD/,
    );
    expect((await b.dispatch('runs.list', {})) as unknown).toMatchObject({ ok: true, value: { total: 0 } });
    expect(posts()).toBe(before);

    const started = await b.dispatch('runs.start', { kind: 'train', config: QPU, confirmCharges: true });
    expect(started).toMatchObject({ ok: true });
    const id = (started as { value: { id: number } }).value.id;
    const run = await b.engine!.wait(id);
    expect(run.status).toBe('succeeded');
    expect(posts()).toBe(before + 1);
    // The simulator is free: no confirmation asked.
    expect(await b.dispatch('runs.start', { kind: 'train', config: { ...QPU, backend: 'ionq:simulator' } })).toMatchObject({ ok: true });
  }, 60_000);

  it('without a key: refused at runs.start naming apiKey, with what to do', async () => {
    process.env.QNNLAB_IONQ_URL = fake.url;
    delete process.env.QNNLAB_IONQ_API_KEY;
    const b = open();
    const refused = await b.dispatch('runs.start', { kind: 'train', config: { ...QPU, backend: 'ionq:simulator' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'config.apiKey' } });
    expect((refused as { error: { message: string } }).error.message).toMatch(/No IonQ API key is set: set QNNLAB_IONQ_API_KEY/);
    expect((await b.dispatch('runs.list', {})) as unknown).toMatchObject({ ok: true, value: { total: 0 } });
  });
});
