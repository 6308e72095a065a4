// Where the IonQ connection comes from, on the host only: the key from QNNLAB_IONQ_API_KEY, else (desktop app) the
// key the user saved, kept encrypted by Electron's safeStorage outside the database (electron/main/secret-store.ts
// registers it here); the address from QNNLAB_IONQ_URL, else IonQ's v0.4 address. Workers get the connection with
// their start message; the key is never stored in the database, logged, or sent to the renderer (settings show only
// whether one is set).
import { IONQ_DEFAULT_URL } from '../../../core/hardware/providers/ionq/backends.ts';
import type { IonqConnection } from '../../../core/hardware/providers/ionq/backend.ts';

/** A key kept by the desktop app (encrypted at rest). */
export interface SecretStore {
  get(): string | null;
  set(key: string): void;
  clear(): void;
}

let desktopStore: SecretStore | null = null;

/** The desktop app registers its encrypted store at start; other hosts have none (the environment only). */
export function registerSecretStore(store: SecretStore | null): void {
  desktopStore = store;
}

export function secretStore(): SecretStore | null {
  return desktopStore;
}

export type KeySource = 'environment' | 'desktop' | null;

/** The connection a run or a command uses, and where its key came from. */
export function ionqConnection(env: Record<string, string | undefined> = process.env): IonqConnection & { keySource: KeySource } {
  const url = env.QNNLAB_IONQ_URL?.trim() || IONQ_DEFAULT_URL;
  const fromEnv = env.QNNLAB_IONQ_API_KEY?.trim();
  if (fromEnv) return { url, apiKey: fromEnv, keySource: 'environment' };
  const saved = desktopStore?.get() ?? null;
  return { url, apiKey: saved, keySource: saved ? 'desktop' : null };
}
