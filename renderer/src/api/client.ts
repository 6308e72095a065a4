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

let transport: Transport | null = null;
let client: ApiClient | null = null;

/** The transport in use (its kind and connection state); detected on first use. */
export function useTransport(): Transport {
  transport ??= detectTransport();
  return transport;
}

export function useApi(): ApiClient {
  client ??= createClient(useTransport());
  return client;
}

export function transportKind(): Transport['kind'] {
  return useTransport().kind;
}

/** Tests: replace the client (stores call `useApi()` at action time). */
export function setApiClient(replacement: ApiClient | null): void {
  client = replacement;
}

/** Tests: replace the transport, and the client with one built on it. */
export function setTransport(replacement: Transport | null): void {
  transport = replacement;
  client = replacement ? createClient(replacement) : null;
}
