// Transports the renderer can talk to the host over. Both deliver Results, never throw.
import type { ChannelName, EventName, Events, Transport as TransportKind } from '../../../electron/contract/channels.ts';
import type { Result } from '../../../electron/contract/errors.ts';

export interface Transport {
  kind: TransportKind;
  call(channel: ChannelName, request: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** What Electron's preload exposes on `window.qnnlab`. */
export interface PreloadBridge {
  api: Record<string, (request: unknown) => Promise<Result<unknown>>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    qnnlab?: PreloadBridge;
  }
}

function failure(code: 'INTERNAL' | 'TOO_LARGE', message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'electron',
    async call(channel, request) {
      const method = bridge.api[channel];
      if (typeof method !== 'function') {
        return failure('INTERNAL', `The desktop host does not expose "${channel}". Restart QNN Lab; if it persists, reinstall it.`);
      }
      try {
        return await method(request);
      } catch (e) {
        return failure('INTERNAL', `The desktop host failed on "${channel}": ${(e as Error).message}. Restart QNN Lab and try again.`);
      }
    },
    on(event, listener) {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
  };
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** HTTP transport of the web host: POST /api/rpc/<channel>, server-sent events on /api/events. */
export function httpTransport(base = ''): Transport {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  function ensureSource(event: string): void {
    if (!source) source = new EventSource(`${base}/api/events`);
    if (listeners.has(event)) return;
    const set = new Set<(payload: unknown) => void>();
    listeners.set(event, set);
    source.addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of set) listener(payload);
    });
  }

  return {
    kind: 'http',
    async call(channel, request) {
      let response: Response;
      try {
        response = await fetch(`${base}/api/rpc/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request ?? {}),
        });
      } catch (e) {
        return failure('INTERNAL', `Cannot reach the QNN Lab host (${(e as Error).message}). Check that the host is running, then reload the page.`);
      }
      let body: unknown = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      if (isResult(body)) return body;
      if (response.status === 413) return failure('TOO_LARGE', 'The request is larger than the host accepts. Use a smaller file.');
      return failure('INTERNAL', `The host answered "${channel}" with HTTP ${response.status} and no result. Reload the page; if it persists, restart the host.`);
    },
    on(event, listener) {
      ensureSource(event);
      const set = listeners.get(event)!;
      const fn = listener as (payload: unknown) => void;
      set.add(fn);
      return () => set.delete(fn);
    },
  };
}
