import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../../electron/contract/channels.ts';
import type { Result } from '../../../electron/contract/errors.ts';
import { createClient } from './client.ts';
import { electronTransport, httpTransport, type Connection, type PreloadBridge } from './transport.ts';

/** Stands in for the browser's EventSource (Node has none): tests fire its open and error events. */
class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  constructor(readonly url: string) {
    super();
    FakeEventSource.opened.push(this);
  }
  fire(type: 'open' | 'error', readyState: number): void {
    this.readyState = readyState;
    this.dispatchEvent(new Event(type));
  }
}

const originalFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = originalFetch;
  delete (globalThis as { EventSource?: unknown }).EventSource;
  FakeEventSource.opened = [];
});

describe('api client', () => {
  it('has one method per contract channel, over the Electron bridge', async () => {
    const calls: [string, unknown][] = [];
    const api: PreloadBridge['api'] = {};
    for (const name of CHANNEL_NAMES) api[name] = async (req) => (calls.push([name, req]), { ok: true, value: name });
    const client = createClient(electronTransport({ api, on: () => () => {} }));
    for (const name of CHANNEL_NAMES) expect(typeof client[name]).toBe('function');
    const result = await client['datasets.get']({ id: 3 });
    expect(result).toEqual({ ok: true, value: 'datasets.get' });
    expect(calls).toEqual([['datasets.get', { id: 3 }]]);
  });

  it('turns a throwing bridge into a Result', async () => {
    const client = createClient(
      electronTransport({
        api: {
          'app.info': async () => {
            throw new Error('boom');
          },
        },
        on: () => () => {},
      }),
    );
    const info = await client['app.info']({});
    expect(info.ok).toBe(false);
    const missing = await client['datasets.list']({});
    expect(!missing.ok && missing.error.message).toMatch(/does not expose "datasets.list"/);
  });

  it('posts to /api/rpc/<channel> and passes Results through, including 413 bodies', async () => {
    const original = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push(`${init.method} ${url} ${String(init.body)}`);
      if (url.endsWith('datasets.import')) {
        return new Response(JSON.stringify({ ok: false, error: { code: 'TOO_LARGE', message: 'too big' } }), { status: 413 });
      }
      if (url.endsWith('datasets.delete')) return new Response('<html>bad gateway</html>', { status: 502 });
      return new Response(JSON.stringify({ ok: true, value: [] } satisfies Result<never[]>), { status: 200 });
    }) as typeof fetch;
    try {
      const client = createClient(httpTransport('http://host'));
      expect(await client['datasets.list']({})).toEqual({ ok: true, value: [] });
      const big = await client['datasets.import']({ fileName: 'a.csv', content: 'x' });
      expect(!big.ok && big.error.code).toBe('TOO_LARGE');
      const bad = await client['datasets.delete']({ id: 1 });
      expect(!bad.ok && bad.error.message).toMatch(/HTTP 502/);
      expect(seen[0]).toBe('POST http://host/api/rpc/datasets.list {}');
    } finally {
      globalThis.fetch = original;
    }
  });

  it('tells when the web host goes away and comes back: from its event stream and from calls', async () => {
    (globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;
    let answer: () => Promise<Response> = async () => Response.json({ ok: true, value: {} });
    globalThis.fetch = (() => answer()) as typeof fetch;
    const transport = httpTransport('');
    const seen: Connection[] = [];
    transport.onConnection((state) => seen.push(state));
    // Watching opens the event stream.
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual(['/api/events']);
    const stream = FakeEventSource.opened[0];

    stream.fire('error', FakeEventSource.CONNECTING); // the host went away; the browser retries the stream
    expect(transport.connection()).toBe('disconnected');
    stream.fire('open', FakeEventSource.OPEN);
    expect(seen).toEqual(['disconnected', 'connected']);

    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    const lost = await transport.call('app.info', {});
    expect(!lost.ok && lost.error.message).toMatch(/Cannot reach the QNN Lab host/);
    expect(transport.connection()).toBe('disconnected');
    // A refusal is an answer: the host is there.
    answer = async () => Response.json({ ok: false, error: { code: 'FORBIDDEN', message: 'no access key' } }, { status: 403 });
    expect(await transport.call('app.info', {})).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'no access key' } });
    expect(seen).toEqual(['disconnected', 'connected', 'disconnected', 'connected']);

    // A stream the host refused for good (a restart with a new key) changes nothing by itself, and is reopened
    // once the host answers again after an outage.
    stream.fire('error', FakeEventSource.CLOSED);
    expect(transport.connection()).toBe('connected');
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    await transport.call('app.info', {});
    answer = async () => Response.json({ ok: true, value: {} });
    await transport.call('app.info', {});
    expect(FakeEventSource.opened).toHaveLength(2);
  });

  it('the desktop bridge is always connected and watches nothing', () => {
    const transport = electronTransport({ api: {}, on: () => () => {} });
    transport.onConnection(() => {
      throw new Error('never called');
    });
    expect(transport.connection()).toBe('connected');
  });
});
