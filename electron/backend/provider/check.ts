// The provider's status and its check, shared by the Settings page (channels provider.*) and `qnnlab provider check`:
// is a key set (and where from), does the API answer (GET /backends), does it accept the key (GET /whoami).
import { LabError } from '../../../core/errors.ts';
import { IONQ_BACKEND_NAMES, IONQ_NOISE_MODELS } from '../../../core/hardware/providers/ionq/backends.ts';
import { IonqClient, type Transport } from '../../../core/hardware/providers/ionq/client.ts';
import type { ProviderCheck, ProviderStatus } from '../../contract/provider.ts';
import { ionqConnection, secretStore } from './credentials.ts';

export function providerStatus(env: Record<string, string | undefined> = process.env): ProviderStatus {
  const c = ionqConnection(env);
  return {
    provider: 'ionq',
    url: c.url,
    keySet: !!c.apiKey,
    keySource: c.keySource,
    canSaveKey: secretStore() !== null,
    backends: IONQ_BACKEND_NAMES,
    noiseModels: IONQ_NOISE_MODELS,
  };
}

export interface CheckOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  transport?: Transport;
  env?: Record<string, string | undefined>;
}

/** Asks the API; never throws for what it finds (a refused key, no answer): the report says it. */
export async function checkProvider(o: CheckOptions = {}): Promise<ProviderCheck & { backendsAnswered: unknown }> {
  const env = o.env ?? process.env;
  const c = ionqConnection(env);
  const client = new IonqClient({ url: c.url, apiKey: c.apiKey, timeoutMs: o.timeoutMs ?? 10_000, retries: 1, signal: o.signal, transport: o.transport });
  const report = { ...providerStatus(env), api: 'ok', key: c.apiKey ? 'accepted' : 'not set', ok: false, backendsAnswered: null as unknown };
  try {
    report.backendsAnswered = await client.backends();
  } catch (e) {
    if (!(e instanceof LabError) || e.code === 'CANCELLED') throw e;
    report.api = e.message;
    return report;
  }
  if (!c.apiKey) return report;
  try {
    await client.whoami();
    report.ok = true;
  } catch (e) {
    if (!(e instanceof LabError) || e.code === 'CANCELLED') throw e;
    report.key = e.message;
  }
  return report;
}
