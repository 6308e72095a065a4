// Playwright fixtures: one real web host with a fresh temporary database per spec file (tests in a file share
// it; files are isolated). `baseURL` points at it and every context holds the host's launch cookie (what the first
// visit of the printed address sets), so `page.goto('/')` opens the app. e2e/trust-boundary.spec.ts tests that visit.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHost } from './web-host.ts';

interface WorkerFixtures {
  hostPool: { get(file: string): Promise<WebHost> };
}
interface TestFixtures {
  /** Auto: fails the test on page errors, console errors (CSP violations included) and any request that leaves the host. */
  pageHygiene: void;
  host: WebHost;
  /** A fresh temporary directory for files the test writes (removed after the test). */
  tmp: string;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  hostPool: [
    async ({}, use) => {
      const state: { current: { file: string; host: Promise<WebHost> } | null } = { current: null };
      await use({
        async get(file) {
          if (state.current && state.current.file !== file) {
            const old = state.current.host;
            state.current = null;
            await (await old).stop();
          }
          // A 1 MiB import limit, so the size refusal can be tested with a small file (the default is 256 MiB).
          state.current ??= { file, host: startWebHost({ label: 'e2e', args: ['--max-import-mb', '1'] }) };
          return state.current.host;
        },
      });
      if (state.current) await (await state.current.host).stop();
    },
    { scope: 'worker' },
  ],
  host: async ({ hostPool }, use, testInfo) => {
    await use(await hostPool.get(testInfo.file));
  },
  baseURL: async ({ host }, use) => {
    await use(host.url);
  },
  context: async ({ context, host }, use) => {
    await context.addCookies([host.cookie]);
    await use(context);
  },
  pageHygiene: [
    async ({ page, host }, use, testInfo) => {
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        // Requests a test deliberately aborts or fails show up as "Failed to load resource".
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
      });
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(host.url) && !url.startsWith('blob:') && !url.startsWith('data:')) problems.push(`remote request: ${url}`);
      });
      await use();
      if (testInfo.status === testInfo.expectedStatus) expect(problems, 'the page stayed clean (no errors, no remote requests)').toEqual([]);
    },
    { auto: true },
  ],
  tmp: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'qnnlab-e2e-files-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };
export type { Page };

/** Calls the host's API directly (setup and cross-checks; the UI is what the specs test). */
export async function rpc<T>(
  host: WebHost,
  channel: string,
  request: unknown = {},
): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  const response = await fetch(`${host.url}/api/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...host.authHeaders },
    body: JSON.stringify(request),
  });
  return (await response.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
}

/** The dataset names in the list, in display order. */
export async function listedNames(page: Page): Promise<string[]> {
  await expect(page.getByTestId('datasets-table')).toBeVisible();
  return page.getByTestId('dataset-link').allTextContents();
}

/** Opens the app at the dataset list and waits for it to load. */
export async function openList(page: Page): Promise<void> {
  await page.goto('/#/datasets');
  await expect(page.getByTestId('dataset-count')).toBeVisible();
}

/** Chooses a file in the import panel (optionally naming it) and clicks Import. */
export async function importThroughUi(page: Page, filePath: string, options: { name?: string; tokens?: string; outcome?: string } = {}): Promise<void> {
  await page.getByTestId('import-file').setInputFiles(filePath);
  if (options.name !== undefined) await page.getByTestId('import-name').fill(options.name);
  if (options.tokens !== undefined) await page.getByTestId('import-tokens').fill(options.tokens);
  if (options.outcome !== undefined) await page.getByTestId('import-outcome').fill(options.outcome);
  await page.getByTestId('import-submit').click();
}
