import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../../electron/contract/channels.ts';
import type { Result } from '../../../electron/contract/errors.ts';
import { createClient } from './client.ts';
import { electronTransport, httpTransport, type PreloadBridge } from './transport.ts';

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
    const client = createClient(electronTransport({ api: { 'app.info': async () => { throw new Error('boom'); } }, on: () => () => {} }));
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
});
