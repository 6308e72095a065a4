// provider.* through the dispatcher: status says whether a key is set and where from, never the key; check asks the
// (fake) API and reports a refused key or no answer without failing; the desktop app's key is saved encrypted and
// cleared, and a host without a store (the web host) refuses to keep one, saying where the key goes instead.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_IONQ_KEY, ionqEnvironment, startFakeIonq, type FakeIonq } from '../../../test-support/fake-ionq.ts';
import { useTempDir } from '../../../test-support/files.ts';
import { safeStorageSecretStore } from '../../main/secret-store.ts';
import { openBackend, type Backend } from '../backend.ts';
import { registerSecretStore } from '../provider/credentials.ts';

const dir = useTempDir('qnnlab-provider-handlers-');
let fake: FakeIonq;
let backend: Backend | undefined;
const ionqEnv = ionqEnvironment();
beforeAll(async () => {
  fake = await startFakeIonq();
});
afterAll(() => fake.close());
afterEach(() => {
  backend?.close();
  backend = undefined;
  registerSecretStore(null);
  ionqEnv.restore();
});
const open = () => (backend = openBackend({ databasePath: dir.file('lab.db'), transport: 'http', version: 'test', seedSamples: false }));
const xor = (b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x33));
const fakeSafeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => xor(Buffer.from(s)),
  decryptString: (b: Buffer) => xor(b).toString(),
};

describe('provider.*', () => {
  it('status and check from the environment; a host without a store refuses to keep a key', async () => {
    process.env.QNNLAB_IONQ_URL = fake.url;
    delete process.env.QNNLAB_IONQ_API_KEY;
    const b = open();
    expect(await b.dispatch('provider.status', {})).toMatchObject({ ok: true, value: { url: fake.url, keySet: false, keySource: null, canSaveKey: false } });
    expect(await b.dispatch('provider.check', {})).toMatchObject({ ok: true, value: { api: 'ok', key: 'not set', ok: false } });
    expect(await b.dispatch('provider.saveKey', { apiKey: 'k' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'apiKey' } });
    process.env.QNNLAB_IONQ_API_KEY = 'wrong';
    const refused = await b.dispatch('provider.check', {});
    expect(refused).toMatchObject({
      ok: true,
      value: { keySet: true, keySource: 'environment', ok: false, key: expect.stringMatching(/refused the API key \(401/) },
    });
    process.env.QNNLAB_IONQ_API_KEY = FAKE_IONQ_KEY;
    const good = await b.dispatch('provider.check', {});
    expect(good).toMatchObject({ ok: true, value: { ok: true, key: 'accepted' } });
    expect(JSON.stringify(good)).not.toContain(FAKE_IONQ_KEY);
  });

  it("the desktop app's key: saved encrypted, used, never returned, cleared", async () => {
    process.env.QNNLAB_IONQ_URL = fake.url;
    delete process.env.QNNLAB_IONQ_API_KEY;
    registerSecretStore(safeStorageSecretStore(fakeSafeStorage, dir.file('ionq-key.bin')));
    const b = open();
    const savedKey = await b.dispatch('provider.saveKey', { apiKey: ` ${FAKE_IONQ_KEY} ` });
    expect(savedKey).toMatchObject({ ok: true, value: { keySet: true, keySource: 'desktop', canSaveKey: true } });
    const check = await b.dispatch('provider.check', {});
    expect(check).toMatchObject({ ok: true, value: { ok: true } });
    for (const r of [savedKey, check, await b.dispatch('provider.status', {})]) expect(JSON.stringify(r)).not.toContain(FAKE_IONQ_KEY);
    expect(await b.dispatch('provider.saveKey', { apiKey: '  ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'apiKey' } });
    expect(await b.dispatch('provider.clearKey', {})).toMatchObject({ ok: true, value: { keySet: false } });
  });
});
