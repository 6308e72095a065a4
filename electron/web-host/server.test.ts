import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openBackend, type Backend } from '../backend/backend.ts';
import { UploadStore } from '../backend/import-files.ts';
import { CONTENT_SECURITY_POLICY } from '../contract/security.ts';
import { createWebHost } from './server.ts';
import { TOKEN_HEADER, tokenCookieName } from './trust.ts';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';

let dir: string;
let backend: Backend;
let server: Server;
let port: number;
let base: string;
let uploads: UploadStore;
/** The upload limit of this host: small, so a test can go past it. */
const UPLOAD_LIMIT = 64 * 1024;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qnnlab-web-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>QNN Lab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'the content of a file outside the renderer');
  backend = openBackend({ databasePath: join(dir, 'lab.db'), transport: 'http', version: '0.0.0-test' });
  const { dispatch, events } = backend;
  uploads = UploadStore.besideDatabase(join(dir, 'lab.db'));
  server = createWebHost({
    dispatch,
    events,
    rendererDir,
    maxBodyBytes: 512 * 1024,
    token: TOKEN,
    hostNames: ['lab.example'],
    uploads: { store: uploads, maxBytes: UPLOAD_LIMIT },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

/** A raw HTTP request: unlike fetch, it can send any Host header and omits Origin unless given. */
function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...init.headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolveReply({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const WITH_TOKEN = { ...JSON_TYPE, [TOKEN_HEADER]: TOKEN };
/** What the app's own page sends: its own Origin and the launch cookie (beside other cookies, one of another port's host). */
function asPage(headers: Record<string, string> = {}): Record<string, string> {
  const cookie = `other=1; ${tokenCookieName(port + 1)}=another-hosts-token; ${tokenCookieName(port)}=${TOKEN}`;
  return { ...JSON_TYPE, cookie, origin: base, 'sec-fetch-site': 'same-origin', ...headers };
}

const rpc = (channel: string, body: string, headers: Record<string, string> = WITH_TOKEN) => send(`/api/rpc/${channel}`, { method: 'POST', headers, body });
const names = async () => ((await rpc('datasets.list', '{}')).json().value as { name: string }[]).map((d) => d.name);

function expectForbidden(reply: Reply, message: RegExp): void {
  expect(reply.status).toBe(403);
  expect(reply.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(message) } });
}

describe('web host API', () => {
  it('answers a valid call with {ok: true, value}', async () => {
    const res = await rpc('app.info', '{}');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, value: { transport: 'http', version: '0.0.0-test', schemaVersion: expect.any(Number) } });
  });

  it('seeds the bundled sample on first start', async () => {
    const sample = expect.objectContaining({ name: 'pbc (sample)', rows: 418, columns: 20, missingCells: 1033 });
    expect((await rpc('datasets.list', '{}')).json().value).toEqual([sample]);
  });

  it('turns malformed requests into error codes, never a crash', async () => {
    expect((await rpc('no.such', '{}')).json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const notJson = await rpc('datasets.get', '{not json');
    expect(notJson.status).toBe(400);
    expect(notJson.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await rpc('datasets.get', '{"id": "seven"}')).json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'id' } });
    expect((await rpc('datasets.get', '{"id": 999}')).json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const get = await send('/api/rpc/app.info', { headers: { [TOKEN_HEADER]: TOKEN } });
    expect(get.status).toBe(405);
  });

  it('answers a malformed %-escape with 400, in the API and in static paths', async () => {
    const api = await rpc('datasets.%E0%A4%A', '{}');
    expect(api.status).toBe(400);
    expect(api.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/%-escape/) } });
    const page = await send('/assets/%E0%A4%A.js');
    expect(page.status).toBe(400);
    expect(page.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('refuses a 100,000-deep JSON value with 400 before anything walks it', async () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    // A field's value is echoed in a schema error (the response's JSON.stringify overflowed); a profile is walked
    // by its validator.
    for (const [channel, body] of [
      ['datasets.get', `{"id": ${deep(100_000)}}`],
      ['devices.save', `{"profile": {"id": ${deep(100_000)}}}`],
    ]) {
      const res = await rpc(channel, body);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/nested more than 32 levels/) } });
    }
    // Nesting within the limit is the schema's business, as before.
    expect((await rpc('datasets.get', `{"id": ${deep(20)}}`)).json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'id' } });
  });

  it('refuses a body over the limit with 413 TOO_LARGE and changes nothing', async () => {
    const before = await names();
    const res = await rpc('datasets.import', JSON.stringify({ fileName: 'big.csv', content: 'a,b\n' + '1,2\n'.repeat(200_000) }));
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', message: expect.stringMatching(/MiB/) } });
    expect(await names()).toEqual(before);
  });

  it('streams backend events as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, { signal: controller.signal, headers: { [TOKEN_HEADER]: TOKEN } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read(); // the ": connected" comment
    backend.events.emit('devices.changed', { reason: 'save', id: 'my-aria' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: devices.changed\ndata: {"reason":"save","id":"my-aria"}\n\n');
    controller.abort();
  });

  it('serves the renderer without the secret, with the shared CSP, falls back to index.html, and never leaves its folder', async () => {
    const index = await send('/datasets/3');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<title>QNN Lab</title>');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const asset = await send('/assets/app.js');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const escape = await send('/..%2Fsecret.txt');
    expect(escape.status).toBe(403);
    expect(escape.text).not.toContain('the content of a file outside');
    // A request target no URL parser accepts is the client's mistake too.
    expect((await send('http://[')).status).toBe(400);
  });
});

describe('web host trust boundary', () => {
  it('answers only its own Host names, on its own port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `lab.example:${port}`]) {
      expect((await rpc('app.info', '{}', { ...WITH_TOKEN, host })).status, host).toBe(200);
    }
    for (const host of ['attacker.example', `attacker.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.attacker.example:${port}`]) {
      expectForbidden(await rpc('app.info', '{}', { ...WITH_TOKEN, host }), /does not answer to/);
      // A rebinding page cannot read the renderer either.
      expect((await send('/', { headers: { host } })).status, host).toBe(403);
    }
  });

  it('requires the launch secret on every API route: header, bearer or cookie', async () => {
    expectForbidden(await rpc('app.info', '{}', JSON_TYPE), /no access key.*Open the address the host printed/);
    expectForbidden(await rpc('app.info', '{}', { ...JSON_TYPE, [TOKEN_HEADER]: TOKEN.slice(1) }), /token.*is wrong/);
    expectForbidden(await send('/api/events'), /no access key/);
    expectForbidden(await send('/api/no-such-route'), /no access key/);
    expect((await rpc('app.info', '{}', { ...JSON_TYPE, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await rpc('app.info', '{}', asPage())).status).toBe(200);
    // A cookie from an earlier start of the host (or another port's) says so.
    expectForbidden(await rpc('app.info', '{}', asPage({ cookie: `${tokenCookieName(port)}=stale-token` })), /earlier start of the web host/);
  });

  it('refuses a foreign Origin and cross-site fetches on every API request, even with the secret', async () => {
    for (const origin of ['http://attacker.example', `http://127.0.0.1:${port + 1}`, `http://localhost:${port}`, 'null']) {
      expectForbidden(await rpc('app.info', '{}', asPage({ origin })), /another site/);
      expectForbidden(await rpc('app.info', '{}', { ...WITH_TOKEN, origin }), /another site/);
      expectForbidden(await send('/api/events', { headers: { [TOKEN_HEADER]: TOKEN, origin } }), /another site/);
    }
    for (const site of ['cross-site', 'same-site']) {
      expectForbidden(await rpc('app.info', '{}', asPage({ 'sec-fetch-site': site })), new RegExp(site));
      // A cross-origin GET (an <img> or a no-cors fetch) carries no Origin, only Sec-Fetch-Site.
      const { origin: _origin, ...noOrigin } = asPage({ 'sec-fetch-site': site });
      expectForbidden(await send('/api/events', { headers: noOrigin }), new RegExp(site));
    }
  });

  it('lets a missing Origin through only where browsers omit it (same-origin GET) or with the token in a header', async () => {
    const { origin: _origin, ...pageWithoutOrigin } = asPage();
    // Every browser sends Origin with a POST: a cookie-only POST without one is not the app's page.
    expectForbidden(await rpc('app.info', '{}', pageWithoutOrigin), /without an Origin/);
    expect((await rpc('app.info', '{}', WITH_TOKEN)).status).toBe(200);
    const events = await fetch(`${base}/api/events`, { headers: pageWithoutOrigin });
    expect(events.status).toBe(200);
    await events.body!.cancel();
  });

  it('requires Content-Type: application/json on RPC (what an HTML form or a no-cors fetch cannot send)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      expectForbidden(await rpc('app.info', '{}', { ...WITH_TOKEN, 'content-type': type }), /Content-Type: application\/json/);
    }
    expect((await rpc('app.info', '{}', { ...WITH_TOKEN, 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200);
  });

  it('changes nothing when it refuses: a cross-site form rename with the cookie leaves the dataset as it was', async () => {
    const before = await names();
    const id = ((await rpc('datasets.list', '{}')).json().value as { id: number }[])[0].id;
    const body = `{"id": ${id}, "name": "renamed by another site", "x": "="}`;
    expectForbidden(await rpc('datasets.rename', body, asPage({ origin: 'http://attacker.example', 'content-type': 'text/plain' })), /another site/);
    expectForbidden(await rpc('datasets.rename', body, asPage({ 'content-type': 'text/plain' })), /Content-Type/);
    expect(await names()).toEqual(before);
  });

  it('turns the token in the address into an HttpOnly SameSite=Strict cookie and redirects to the address without it', async () => {
    const first = await send(`/?token=${TOKEN}`, { headers: { 'sec-fetch-site': 'none' } });
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    expect(first.headers['set-cookie']).toEqual([`${tokenCookieName(port)}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`]);
    expect(first.headers['cache-control']).toBe('no-store');
    // Other parts of the address stay.
    expect((await send(`/index.html?a=1&token=${TOKEN}&b=2`)).headers.location).toBe('/index.html?a=1&b=2');
    // The cookie then opens the API.
    const cookie = first.headers['set-cookie']![0].split(';')[0];
    expect((await rpc('app.info', '{}', { ...asPage(), cookie })).status).toBe(200);
  });

  it('says so when the address carries a wrong token, and sets no cookie', async () => {
    const wrong = await send('/?token=not-the-token');
    expect(wrong.status).toBe(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.headers['content-type']).toMatch(/text\/html/);
    expect(wrong.text).toMatch(/access token in this address is not the one/);
  });
});

describe('uploads (POST /api/uploads: a file streamed to disk for an import run)', () => {
  const OCTETS = { 'content-type': 'application/octet-stream' };
  const uploaded = () => (existsSync(uploads.dir) ? readdirSync(uploads.dir) : []);
  /** Sends `chunks` one by one (chunked transfer encoding: no Content-Length to refuse early). */
  function stream(headers: Record<string, string>, chunks: Buffer[], abortAfter?: number): Promise<Reply> {
    return new Promise((resolveReply, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/api/uploads?name=big.csv', method: 'POST', headers: { host: `127.0.0.1:${port}`, ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolveReply({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      let i = 0;
      const next = () => {
        if (i === abortAfter) return req.destroy();
        if (i === chunks.length) return req.end();
        req.write(chunks[i++], () => setTimeout(next, 5));
      };
      next();
    });
  }

  it('writes the body to a file of its own and answers its id and size', async () => {
    const body = Buffer.from('a,b\n1,2\n3,4\n');
    const res = await send('/api/uploads?name=small.csv', { method: 'POST', headers: { ...OCTETS, [TOKEN_HEADER]: TOKEN }, body: body.toString() });
    expect(res.status).toBe(200);
    const { uploadId, bytes } = res.json().value as { uploadId: string; bytes: number };
    expect(bytes).toBe(body.length);
    expect(uploadId).toMatch(new RegExp(`^${process.pid}-[A-Za-z0-9_-]{22}$`));
    expect(readFileSync(uploads.file(uploadId))).toEqual(body);
    // The page's way: its cookie and its own Origin.
    const page = await send('/api/uploads', { method: 'POST', headers: asPage(OCTETS), body: 'x,y\n1,2\n' });
    expect(page.json()).toMatchObject({ ok: true, value: { bytes: 8 } });
    await uploads.remove(uploadId);
    await uploads.remove((page.json().value as { uploadId: string }).uploadId);
    expect(uploaded()).toEqual([]);
  });

  it('refuses another site, a missing or wrong token, another content type and GET, and writes nothing', async () => {
    const body = 'a,b\n1,2\n';
    expectForbidden(await send('/api/uploads', { method: 'POST', headers: asPage({ ...OCTETS, origin: 'http://evil.example' }), body }), /another site/);
    expectForbidden(await send('/api/uploads', { method: 'POST', headers: asPage({ ...OCTETS, 'sec-fetch-site': 'cross-site' }), body }), /cross-site/);
    expectForbidden(await send('/api/uploads', { method: 'POST', headers: OCTETS, body }), /no access key/);
    expectForbidden(await send('/api/uploads', { method: 'POST', headers: { ...OCTETS, [TOKEN_HEADER]: 'wrong' }, body }), /token in the request is wrong/);
    // What an HTML form or a no-cors fetch can send is refused even with the cookie.
    expectForbidden(await send('/api/uploads', { method: 'POST', headers: asPage({ 'content-type': 'text/plain' }), body }), /application\/octet-stream/);
    const get = await send('/api/uploads', { headers: { [TOKEN_HEADER]: TOKEN } });
    expect(get.status).toBe(405);
    expect(uploaded()).toEqual([]);
  });

  it('refuses a declared size over the limit at once, and a stream that goes past it mid-way; no partial file stays', async () => {
    const declared = await send('/api/uploads?name=big.csv', {
      method: 'POST',
      headers: { ...OCTETS, [TOKEN_HEADER]: TOKEN, 'content-length': String(UPLOAD_LIMIT + 1) },
      body: 'x'.repeat(UPLOAD_LIMIT + 1),
    });
    expect(declared.status).toBe(413);
    expect(declared.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', message: expect.stringMatching(/^"big\.csv" is larger than the 0 MiB/) } });
    const chunks = Array.from({ length: 6 }, () => Buffer.alloc(16 * 1024, 49));
    const streamed = await stream({ ...OCTETS, [TOKEN_HEADER]: TOKEN }, chunks);
    expect(streamed.status).toBe(413);
    expect(streamed.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE', allowed: `at most ${UPLOAD_LIMIT} bytes` } });
    expect(uploaded()).toEqual([]);
    // Exactly at the limit is taken.
    const atLimit = await stream({ ...OCTETS, [TOKEN_HEADER]: TOKEN }, chunks.slice(0, 4));
    expect(atLimit.json()).toMatchObject({ ok: true, value: { bytes: UPLOAD_LIMIT } });
    await uploads.remove((atLimit.json().value as { uploadId: string }).uploadId);
  });

  it('removes the partial file when the client goes away mid-upload', async () => {
    const chunks = Array.from({ length: 3 }, () => Buffer.alloc(8 * 1024, 50));
    await expect(stream({ ...OCTETS, [TOKEN_HEADER]: TOKEN }, chunks, 2)).rejects.toThrow();
    await expect.poll(uploaded).toEqual([]);
  });
});
