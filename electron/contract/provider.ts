// The cloud provider as the Settings page sees it (channels provider.*): whether a key is set and where from, never
// the key itself; a check that the API answers and accepts it; saving or clearing the key the desktop app keeps
// encrypted (hosts without an encrypted store take the key from their environment only).
import { z } from 'zod';

export const KEY_SOURCES = ['environment', 'desktop'] as const;

export interface ProviderStatus {
  provider: 'ionq';
  /** The API's address (QNNLAB_IONQ_URL or IonQ's v0.4 address). */
  url: string;
  keySet: boolean;
  keySource: (typeof KEY_SOURCES)[number] | null;
  /** Whether this host can keep a key for the user (the desktop app's encrypted store). */
  canSaveKey: boolean;
  backends: readonly string[];
  noiseModels: readonly string[];
}

export interface ProviderCheck extends ProviderStatus {
  /** 'ok', or why the API did not answer. */
  api: string;
  /** 'accepted', 'not set', or why the key was refused. */
  key: string;
  /** The API answered and accepted the key. */
  ok: boolean;
}

export const saveKeyRequest = z.object({ apiKey: z.string().trim().min(1, 'paste the key from cloud.ionq.com').max(500) }).strict();
