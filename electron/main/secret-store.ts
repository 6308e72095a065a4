// The desktop app's store of the IonQ API key: encrypted by Electron's safeStorage (the OS keychain's key: Keychain,
// DPAPI, libsecret/kwallet) and written to a file of its own in the user-data folder, never to the database. The
// Settings page can set, test and clear it; only whether a key is set ever leaves the main process. Where the OS
// offers no encryption the key is refused rather than stored in clear. Electron is passed in, so tests use a fake.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from '../../core/errors.ts';
import type { SecretStore } from '../backend/provider/credentials.ts';

/** What the store needs of Electron's safeStorage. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const SECRET_FILE = 'ionq-key.bin';

export function safeStorageSecretStore(safeStorage: SafeStorageLike, path: string): SecretStore {
  return {
    get() {
      if (!existsSync(path)) return null;
      try {
        return safeStorage.decryptString(readFileSync(path)) || null;
      } catch {
        return null; // written under another OS account or keychain: as if none were set
      }
    },
    set(key) {
      const trimmed = key.trim();
      if (!trimmed) throw new LabError('VALIDATION', 'The IonQ API key is empty: paste the key from cloud.ionq.com (API keys).', { field: 'apiKey' });
      if (!safeStorage.isEncryptionAvailable()) {
        throw new LabError(
          'UNAVAILABLE',
          "This system offers no encrypted storage for the IonQ key (no keychain or secret service), so QNN Lab does not keep it: set QNNLAB_IONQ_API_KEY in QNN Lab's environment instead.",
          { field: 'apiKey' },
        );
      }
      mkdirSync(dirname(path), { recursive: true });
      // Whole or not at all: a temporary file renamed over the old one.
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, safeStorage.encryptString(trimmed), { mode: 0o600 });
      renameSync(tmp, path);
    },
    clear() {
      rmSync(path, { force: true });
    },
  };
}
