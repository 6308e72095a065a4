// The desktop key store with a fake safeStorage: the file holds only ciphertext, the key reads back, a system without
// encryption refuses to store it (nothing written), clearing removes it; the host's connection takes the environment's
// key first, then the stored one, and reports where it came from.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../test-support/files.ts';
import { ionqConnection, registerSecretStore } from '../backend/provider/credentials.ts';
import { IONQ_DEFAULT_URL } from '../../core/hardware/providers/ionq/backends.ts';
import { safeStorageSecretStore, type SafeStorageLike } from './secret-store.ts';

const dir = useTempDir('qnnlab-secret-');
const KEY = 'sk-ionq-0123456789abcdef';

/** Reversible but not clear text (as safeStorage's output is not). */
const fakeSafeStorage = (available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
});

afterEach(() => registerSecretStore(null));

describe('safeStorageSecretStore', () => {
  it('stores the key encrypted in its own file, reads it back and clears it', () => {
    const path = dir.file('keys/ionq-key.bin');
    const store = safeStorageSecretStore(fakeSafeStorage(), path);
    expect(store.get()).toBeNull();
    store.set(`  ${KEY}\n`);
    expect(readFileSync(path).toString('latin1')).not.toContain(KEY);
    expect(store.get()).toBe(KEY);
    store.clear();
    expect(existsSync(path)).toBe(false);
    expect(store.get()).toBeNull();
  });

  it('refuses to keep a key where the system cannot encrypt it, and an empty key; nothing is written', () => {
    const path = dir.file('ionq-key.bin');
    expect(() => safeStorageSecretStore(fakeSafeStorage(false), path).set(KEY)).toThrow(expect.objectContaining({ code: 'UNAVAILABLE', field: 'apiKey' }));
    expect(() => safeStorageSecretStore(fakeSafeStorage(), path).set('  ')).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'apiKey' }));
    expect(existsSync(path)).toBe(false);
  });
});

describe('ionqConnection', () => {
  it('takes QNNLAB_IONQ_API_KEY first, then the desktop store; QNNLAB_IONQ_URL else IonQ v0.4', () => {
    expect(ionqConnection({})).toEqual({ url: IONQ_DEFAULT_URL, apiKey: null, keySource: null });
    const store = safeStorageSecretStore(fakeSafeStorage(), dir.file('k.bin'));
    store.set(KEY);
    registerSecretStore(store);
    expect(ionqConnection({ QNNLAB_IONQ_URL: 'http://gateway/v0.4' })).toEqual({ url: 'http://gateway/v0.4', apiKey: KEY, keySource: 'desktop' });
    expect(ionqConnection({ QNNLAB_IONQ_API_KEY: 'from-env' })).toMatchObject({ apiKey: 'from-env', keySource: 'environment' });
  });
});
