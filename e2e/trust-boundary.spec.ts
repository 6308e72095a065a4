// The web host's trust boundary in a real browser: the printed address opens the app and leaves no token behind; a
// page opened without it says what to do; another site's page (a second local server, so the browser even sends the
// SameSite cookie along) gets nothing from a plain HTML form or fetch(); foreign Host and Origin headers get 403.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DatasetSummary } from '../electron/contract/datasets.ts';
import { expect, rpc, test } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

test.describe.configure({ mode: 'serial' });

/** Another site: a small HTTP server on another port serving one page. */
async function otherSite(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function datasets(host: WebHost): Promise<DatasetSummary[]> {
  const list = await rpc<DatasetSummary[]>(host, 'datasets.list');
  if (!list.ok) throw new Error(list.error.message);
  return list.value;
}

/** A raw request to the host (any Host and Origin headers, which fetch() would not send). */
function raw(host: WebHost, path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the printed address opens the app, keeps the route, and leaves the token neither in the address bar, history nor scripts', async ({ browser, host }) => {
  const context = await browser.newContext(); // a browser that has never seen this host
  try {
    const page = await context.newPage();
    const entries = await page.evaluate(() => history.length); // the new tab's about:blank
    await page.goto(`${host.address}#/devices`);
    await expect(page.getByRole('heading', { name: 'Devices', level: 1 })).toBeVisible();
    await expect(page.getByTestId('device-row')).toHaveCount(3);
    expect(page.url()).toBe(`${host.url}/#/devices`);
    expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: page scripts cannot read it
    const cookies = await context.cookies(host.url);
    expect(cookies).toEqual([expect.objectContaining({ name: host.cookie.name, value: host.token, httpOnly: true, sameSite: 'Strict', path: '/' })]);
    // The redirect replaced the tokenized address: one history entry was added, and the one before it is about:blank.
    expect(await page.evaluate(() => history.length)).toBe(entries + 1);
    await page.goBack();
    expect(page.url()).toBe('about:blank');
  } finally {
    await context.close();
  }
});

test('a page opened without the token says to open the address the host printed, on the list and in the sidebar', async ({ browser, host }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${host.url}/#/datasets`);
    const panel = page.getByTestId('error-panel');
    await expect(panel).toHaveAttribute('data-code', 'FORBIDDEN');
    await expect(panel).toContainText('This page has no access key for the QNN Lab web host');
    await expect(panel).toContainText(`Open the address the host printed when it started (${host.url}/?token=…)`);
    await expect(page.getByTestId('host-status')).toHaveText('no access: open the address the host printed');
    // A wrong token in the address says so too, and sets nothing.
    await page.goto(`${host.url}/?token=not-the-token`);
    await expect(page.locator('body')).toContainText('The access token in this address is not the one of the running QNN Lab web host');
    expect(await context.cookies(host.url)).toEqual([]);
  } finally {
    await context.close();
  }
});

test("another site's plain HTML forms and fetch() get nothing, though the browser holds the host's cookie", async ({ context, host }) => {
  const before = await datasets(host);
  const target = before[0];
  // No JavaScript: a text/plain form can forge a JSON body, the classic way around "the API only takes JSON".
  const site = await otherSite(`<!doctype html><title>An innocent page</title>
    <form method="POST" action="${host.url}/api/rpc/datasets.rename" enctype="text/plain">
      <input type="hidden" name='{"id": ${target.id}, "name": "renamed by another site", "x": "' value='"}'>
      <button id="rename">Rename</button>
    </form>
    <form method="POST" action="${host.url}/api/rpc/datasets.import">
      <input type="hidden" name="fileName" value="planted.csv"><input type="hidden" name="content" value="a,b&#10;1,2&#10;">
      <button id="import">Import</button>
    </form>`);
  try {
    // The fixture's context holds the host's cookie, as the user's browser does; this is another tab.
    const page = await context.newPage();
    for (const button of ['#rename', '#import']) {
      await page.goto(site.url);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${host.url}/api/rpc/`)), page.click(button)]);
      expect(response.status(), button).toBe(403);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('another site') } });
    }

    await page.goto(site.url);
    const seen = await page.evaluate(async (api) => {
      const out: Record<string, unknown> = {};
      // no-cors: the one way to send a cross-origin POST without a preflight; the answer is opaque.
      const opaque = await fetch(`${api}/api/rpc/datasets.rename`, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ id: 1, name: 'renamed by fetch' }),
      });
      out.noCors = { type: opaque.type, status: opaque.status, body: await opaque.text() };
      // A JSON call needs a CORS preflight, which the host never grants: the browser gives no answer at all.
      const json = { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"id": 1}' } as const;
      out.json = await fetch(`${api}/api/rpc/datasets.exportCsv`, json)
        .then((r) => r.text())
        .catch((e: Error) => `refused: ${e.name}`);
      // The event stream cannot be read either.
      out.events = await new Promise((resolve) => {
        const source = new EventSource(`${api}/api/events`, { withCredentials: true });
        source.onopen = () => resolve('open');
        source.onerror = () => resolve(source.readyState === EventSource.CLOSED ? 'closed' : 'error');
      });
      return out;
    }, host.url);
    expect(seen).toEqual({ noCors: { type: 'opaque', status: 0, body: '' }, json: 'refused: TypeError', events: 'closed' });

    // Nothing changed: no rename, no planted dataset.
    expect(await datasets(host)).toEqual(before);
  } finally {
    await site.close();
  }
});

test('a foreign Host gets 403 (DNS rebinding), and so does /api/events with a foreign Origin', async ({ host }) => {
  for (const path of ['/', '/api/rpc/datasets.list', '/api/events']) {
    const rebound = await raw(host, path, { host: `attacker.example:${host.port}`, ...host.authHeaders });
    expect(rebound.status, path).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('attacker.example') } });
  }
  const events = await raw(host, '/api/events', { host: `127.0.0.1:${host.port}`, origin: 'http://attacker.example', ...host.authHeaders });
  expect(events.status).toBe(403);
  expect(events.headers['content-type']).toMatch(/application\/json/);
  expect(JSON.parse(events.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
});
