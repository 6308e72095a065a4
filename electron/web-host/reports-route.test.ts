// GET /api/reports/<id>: an exported report reopened from the web host, behind the same trust checks as the API, under
// a policy that lets it do nothing but show itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openBackend, type Backend } from '../backend/backend.ts';
import { recordFakeExperiment } from '../../test-support/experiment-runs.ts';
import { createWebHost, REPORT_CONTENT_SECURITY_POLICY } from './server.ts';
import { tokenCookieName } from './trust.ts';

const TOKEN = 'report-token-0123456789abcdefghijklmnopqrstuvwxyz';
let dir: string;
let backend: Backend;
let server: Server;
let base: string;
let cookie: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qnnlab-web-reports-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>QNN Lab</title>');
  backend = openBackend({ databasePath: join(dir, 'lab.db'), transport: 'http', version: '0.0.0-test', seedSamples: false });
  server = createWebHost({ dispatch: backend.dispatch, events: backend.events, rendererDir: join(dir, 'renderer'), token: TOKEN, reports: backend.reports });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  cookie = `${tokenCookieName(port)}=${TOKEN}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/reports/<id>', () => {
  it('shows an HTML report in the tab under its own sandboxed policy, downloads any format, and refuses without the key', async () => {
    const e = recordFakeExperiment(backend.runs, { methods: ['mean'], seeds: [1], dataset: { name: 'd' } });
    const html = await backend.reports.export({ runId: e.id, format: 'html' });
    const csv = await backend.reports.export({ runId: e.id, format: 'csv' });

    const shown = await fetch(`${base}/api/reports/${html.id}`, { headers: { cookie } });
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shown.headers.get('content-disposition')).toBe(`inline; filename="${html.fileName}"`);
    expect(shown.headers.get('content-security-policy')).toBe(REPORT_CONTENT_SECURITY_POLICY);
    expect(REPORT_CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'.*sandbox$/);
    expect(await shown.text()).toBe(new TextDecoder().decode(backend.reports.file(html.id).bytes));

    const download = await fetch(`${base}/api/reports/${html.id}?download=1`, { headers: { cookie } });
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; /);
    const asCsv = await fetch(`${base}/api/reports/${csv.id}`, { headers: { cookie } });
    expect(asCsv.headers.get('content-disposition')).toBe(`attachment; filename="${csv.fileName}"`);
    expect(await asCsv.text()).toMatch(/^run_id,run_name,method,seed,metric,step,value\n/);

    const missing = await fetch(`${base}/api/reports/9999`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/There is no report 9999/);
    expect((await fetch(`${base}/api/reports/${html.id}`)).status).toBe(403);
    expect((await fetch(`${base}/api/reports/${html.id}`, { headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });
});
