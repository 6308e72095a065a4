// The renderer's API client, built from the contract's channel list (no hand-mirrored methods).
import { CHANNEL_NAMES, type ApiClient } from '../../../electron/contract/channels.ts';
import { electronTransport, httpTransport, type Transport } from './transport.ts';

export function createClient(transport: Transport): ApiClient {
  const client: Record<string, unknown> = {};
  for (const name of CHANNEL_NAMES) {
    client[name] = (request: unknown) => transport.call(name, request);
  }
  client.on = transport.on;
  return client as ApiClient;
}

/** Electron when the preload bridge is present, else HTTP on the same origin. */
export function detectTransport(): Transport {
  if (typeof window !== 'undefined' && window.qnnlab) return electronTransport(window.qnnlab);
  return httpTransport('');
}

let current: ApiClient | null = null;
let currentKind: Transport['kind'] = 'http';

export function useApi(): ApiClient {
  if (!current) {
    const transport = detectTransport();
    currentKind = transport.kind;
    current = createClient(transport);
  }
  return current;
}

export function transportKind(): Transport['kind'] {
  useApi();
  return currentKind;
}

/** Tests: replace the client (stores call `useApi()` at action time). */
export function setApiClient(client: ApiClient | null): void {
  current = client;
}
