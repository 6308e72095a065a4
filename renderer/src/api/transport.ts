// Transports the renderer can talk to the host over. Both deliver Results, never throw.
import type { ChannelName, EventName, Events, Transport as TransportKind } from '../../../electron/contract/channels.ts';
import type { ImportSource, UploadedFile } from '../../../electron/contract/datasets.ts';
import type { Result } from '../../../electron/contract/errors.ts';

/** Whether the host answered the last time the transport tried (an answer that refuses counts: the host is there). */
export type Connection = 'connected' | 'disconnected';

export interface Transport {
  kind: TransportKind;
  call(channel: ChannelName, request: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  connection(): Connection;
  /** Called on each change of connection(); subscribing also starts watching the host (the web host's event stream). */
  onConnection(listener: (state: Connection) => void): () => void;
  /**
   * Where the host finds a file the user chose, for an import run: the web host gets its bytes uploaded (progress
   * as the fraction sent; CANCELLED when `signal` fires); the desktop app reads it where it is, by its path.
   */
  importSource(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Result<ImportSource>>;
}

/** What Electron's preload exposes on `window.qnnlab`. */
export interface PreloadBridge {
  api: Record<string, (request: unknown) => Promise<Result<unknown>>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** The local path of a chosen file (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile?(file: File): string;
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
    // The desktop host is the app's own main process: it cannot go away while the window lives.
    connection: () => 'connected',
    onConnection: () => () => {},
    async importSource(file, onProgress) {
      const path = bridge.pathForFile?.(file) ?? '';
      if (!path) return failure('INTERNAL', `"${file.name}" has no path on this computer to import it from. Choose the file from a folder.`);
      onProgress(1);
      return { ok: true, value: { path } };
    },
  };
}

/**
 * Uploads a file's bytes (POST /api/uploads, application/octet-stream). XMLHttpRequest rather than fetch: only it
 * reports the progress of a request body.
 */
function upload(base: string, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Result<UploadedFile>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${base}/api/uploads?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && e.total > 0 && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (isResult(body)) resolve(body as Result<UploadedFile>);
      else resolve(failure('INTERNAL', `The host answered the upload of "${file.name}" with HTTP ${xhr.status} and no result. Reload the page and try again.`));
    };
    xhr.onerror = () =>
      resolve(failure('INTERNAL', `The upload of "${file.name}" failed: the host could not be reached. Check that it is running, then try again.`));
    xhr.onabort = () => resolve({ ok: false, error: { code: 'CANCELLED', message: `The upload of "${file.name}" was cancelled.` } });
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/**
 * HTTP transport of the web host: POST /api/rpc/<channel>, server-sent events on /api/events. The event stream also
 * tells when the host goes away (its error event) and comes back (open); so does every call that gets no answer.
 */
export function httpTransport(base = ''): Transport {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: Connection) => void>();
  let state: Connection = 'connected';

  function setState(next: Connection): void {
    if (next === state) return;
    state = next;
    // A stream the host refused (closed for good) is reopened once the host answers again.
    if (next === 'connected' && !source && (listeners.size > 0 || connectionListeners.size > 0)) openSource();
    for (const listener of connectionListeners) listener(next);
  }

  function listen(target: EventSource, event: string): void {
    target.addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of listeners.get(event) ?? []) listener(payload);
    });
  }

  function openSource(): void {
    const opened = new EventSource(`${base}/api/events`);
    source = opened;
    for (const event of listeners.keys()) listen(opened, event);
    opened.addEventListener('open', () => setState('connected'));
    opened.addEventListener('error', () => {
      // CONNECTING: the connection dropped and the browser retries by itself. CLOSED: the host answered but refused
      // the stream (e.g. it restarted with a new access key); calls will say why.
      if (opened.readyState === EventSource.CLOSED) {
        if (source === opened) source = null;
      } else setState('disconnected');
    });
  }

  function ensureSource(): void {
    if (!source) openSource();
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
        setState('disconnected');
        return failure('INTERNAL', `Cannot reach the QNN Lab host (${(e as Error).message}). Check that the host is running, then reload the page.`);
      }
      setState('connected');
      const body: unknown = await response.json().catch(() => null);
      if (isResult(body)) return body;
      if (response.status === 413) return failure('TOO_LARGE', 'The request is larger than the host accepts. Use a smaller file.');
      return failure(
        'INTERNAL',
        `The host answered "${channel}" with HTTP ${response.status} and no result. Reload the page; if it persists, restart the host.`,
      );
    },
    on(event, listener) {
      if (!listeners.has(event)) {
        listeners.set(event, new Set());
        if (source) listen(source, event);
      }
      ensureSource();
      const set = listeners.get(event)!;
      const fn = listener as (payload: unknown) => void;
      set.add(fn);
      return () => set.delete(fn);
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      ensureSource();
      return () => connectionListeners.delete(listener);
    },
    async importSource(file, onProgress, signal) {
      const uploaded = await upload(base, file, onProgress, signal);
      return uploaded.ok ? { ok: true, value: { uploadId: uploaded.value.uploadId } } : uploaded;
    },
  };
}
