import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { openBackend, type Backend } from '../backend/backend.ts';
import { createWebHost } from './server.ts';

let dir: string;
let backend: Backend;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qnnlab-web-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>QNN Lab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  backend = openBackend({ databasePath: join(dir, 'lab.db'), transport: 'http', version: '0.0.0-test' });
  server = createWebHost({ dispatch: backend.dispatch, events: backend.events, rendererDir, maxBodyBytes: 4096 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

const rpc = (channel: string, body: string) => fetch(`${base}/api/rpc/${channel}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

describe('web host API', () => {
  it('answers a valid call with {ok: true, value}', async () => {
    const res = await rpc('app.info', '{}');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, value: { transport: 'http', version: '0.0.0-test', schemaVersion: expect.any(Number) } });
  });

  it('seeds the bundled sample on first start', async () => {
    const body = await (await rpc('datasets.list', '{}')).json();
    expect(body.value).toEqual([expect.objectContaining({ name: 'pbc (sample)', rows: 418, columns: 20, missingCells: 1033 })]);
  });

  it('turns malformed requests into error codes, never a crash', async () => {
    expect(await (await rpc('no.such', '{}')).json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const notJson = await rpc('datasets.get', '{not json');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await (await rpc('datasets.get', '{"id": "seven"}')).json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/id/) } });
    expect(await (await rpc('datasets.get', '{"id": 999}')).json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const get = await fetch(`${base}/api/rpc/app.info`);
    expect(get.status).toBe(405);
  });

  it('refuses a body over the limit with 413 TOO_LARGE and changes nothing', async () => {
    const before = (await (await rpc('datasets.list', '{}')).json()).value;
    const res = await rpc('datasets.import', JSON.stringify({ fileName: 'big.csv', content: 'a,b\n' + '1,2\n'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', message: expect.stringMatching(/MiB/) } });
    expect((await (await rpc('datasets.list', '{}')).json()).value).toEqual(before);
  });

  it('streams backend events as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read(); // the ": connected" comment
    backend.events.emit('devices.changed', { reason: 'save', id: 'my-aria' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: devices.changed\ndata: {"reason":"save","id":"my-aria"}\n\n');
    controller.abort();
  });

  it('serves the renderer with a strict CSP, falls back to index.html, and never leaves its folder', async () => {
    const index = await fetch(`${base}/datasets/3`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>QNN Lab</title>');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const asset = await fetch(`${base}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const escape = await fetch(`${base}/..%2Fsecret.txt`);
    expect(await escape.text()).not.toContain('secret');
  });
});
