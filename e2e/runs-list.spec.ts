// The runs list (issue 11): runs started through the API and the CLI appear live, filters, sort and search go to the
// host, tags and notes are edited in place (a refused tag shows the field's message and changes nothing), two
// selected runs lead to the compare page, and a run started from the command line shows up running, with its
// progress, while the page stays open. The tests share one host (one database) and run in order.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DatasetSummary } from '../electron/contract/datasets.ts';
import type { RunDetail, RunPage } from '../electron/contract/runs.ts';
import { expect, rpc, test, type Page } from './fixtures.ts';
import type { WebHost } from './web-host.ts';

test.describe.configure({ mode: 'serial' });

const ROOT = resolve(import.meta.dirname, '..');
const SHOTS = resolve(ROOT, '.scratch/shots/q1');

async function ok<T>(host: WebHost, channel: string, request: unknown = {}): Promise<T> {
  const result = await rpc<T>(host, channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

/** Waits until no run is queued or running. */
async function settled(host: WebHost): Promise<void> {
  await expect
    .poll(async () => (await ok<RunPage>(host, 'runs.list', { status: ['queued', 'running'], includeChildren: true })).total, { timeout: 60_000 })
    .toBe(0);
}

const names = (page: Page) => page.getByTestId('run-link').allTextContents();

function qnnlab(args: string[]): string {
  return execFileSync(process.execPath, [resolve(ROOT, 'bin/qnnlab.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('a fresh database shows what to do, with New run', async ({ page }) => {
  await page.goto('/#/runs');
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  const empty = page.getByTestId('empty-state');
  await expect(empty).toContainText('No runs yet');
  await expect(empty).toContainText('qnnlab run start');
  await expect(page.getByTestId('nav-runs')).toHaveAttribute('aria-current', 'page');
  // New run is its own section: on its page it is highlighted, not Runs.
  await page.getByTestId('new-run').first().click();
  await expect(page).toHaveURL(/#\/runs\/new$/);
  await expect(page.getByTestId('nav-new-run')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('nav-runs')).not.toHaveAttribute('aria-current', 'page');
});

test('runs started through the API appear live; filters, sort and search', async ({ page, host }) => {
  await page.goto('/#/runs');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  const pbc = (await ok<DatasetSummary[]>(host, 'datasets.list')).find((d) => d.name.startsWith('pbc'))!;
  const train = (name: string, tags: string[], seed: number) =>
    ok<RunDetail>(host, 'runs.start', { kind: 'train', name, tags, config: { qubits: 4, layers: 2, samples: 16, epochs: 2, seed } });
  await train('alpha qnn', ['qnn'], 1);
  await train('Beta baseline', ['baseline'], 2);
  await train('gamma qnn', ['qnn', 'paper'], 3);
  await ok(host, 'runs.start', {
    kind: 'experiment',
    name: 'pbc mean',
    tags: ['paper'],
    config: {
      datasetId: pbc.id,
      outcome: 'death',
      exclude: ['id', 'time'],
      methods: ['mean'],
      mask: { mechanism: 'mcar', rate: 0.2 },
      seeds: [1, 2],
      folds: 2,
    },
  });
  // No reload: the host's events bring them.
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  await settled(host);
  await expect(page.getByTestId('run-status')).toHaveText(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  expect(await names(page)).toEqual(['pbc mean', 'gamma qnn', 'Beta baseline', 'alpha qnn']);
  await expect(page.getByTestId('runs-count')).toHaveText('4');
  await page.screenshot({ path: `${SHOTS}/runs-list.png` });

  // Sort by name (A to Z without case), then the other way; back to newest first.
  await page.getByTestId('runs-sort-name').click();
  await expect.poll(() => names(page)).toEqual(['alpha qnn', 'Beta baseline', 'gamma qnn', 'pbc mean']);
  await expect(page.locator('th[aria-sort=ascending]')).toContainText('Name');
  await page.getByTestId('runs-sort-name').click();
  await expect.poll(() => names(page)).toEqual(['pbc mean', 'gamma qnn', 'Beta baseline', 'alpha qnn']);
  await page.getByTestId('runs-sort-createdAt').click();

  await page.getByTestId('runs-kind').selectOption('experiment');
  await expect.poll(() => names(page)).toEqual(['pbc mean']);
  await page.getByTestId('runs-kind').selectOption('');
  await page.getByTestId('runs-tag').fill('qnn');
  await expect.poll(() => names(page)).toEqual(['gamma qnn', 'alpha qnn']);
  // The address carries the filters: a reload (or a link) gives the same list.
  await expect(page).toHaveURL(/#\/runs\?tag=qnn$/);
  await page.reload();
  await expect(page.getByTestId('runs-tag')).toHaveValue('qnn');
  await expect.poll(() => names(page)).toEqual(['gamma qnn', 'alpha qnn']);
  await page.getByTestId('runs-search').fill('gam');
  await expect.poll(() => names(page)).toEqual(['gamma qnn']);
  await page.getByTestId('runs-status-failed').click();
  await expect(page.getByTestId('empty-state')).toContainText('No runs match these filters');
  await page.getByTestId('empty-state').getByRole('button', { name: 'Clear filters' }).click();
  await expect.poll(() => names(page)).toHaveLength(4);
  await expect(page.getByTestId('runs-tag')).toHaveValue('');

  await page.getByTestId('runs-dataset').selectOption(String(pbc.id));
  await expect.poll(() => names(page)).toEqual(['pbc mean']);
  // The experiment's children (one per method and seed) only when asked for.
  await page.getByTestId('runs-children').check();
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  // A flat list, newest first: the children were recorded after their experiment started.
  await expect(page.locator('[data-col=kind]')).toHaveText(['imputation', 'imputation', 'experiment']);
  await page.getByTestId('runs-children').uncheck();
  await page.getByTestId('runs-dataset').selectOption('');
  await expect(page.getByTestId('run-row')).toHaveCount(4);
});

test('tags and notes are edited in place; a refused tag shows the field’s message and changes nothing', async ({ page, host }) => {
  await page.goto('/#/runs');
  const row = page.getByTestId('run-row').filter({ hasText: 'alpha qnn' });
  const id = Number(await row.getAttribute('data-id'));

  await row.getByTestId('edit-tags').click();
  const input = page.getByTestId('cell-editor-input');
  await expect(input).toHaveValue('qnn');
  await input.fill('qnn, sweep , qnn');
  await input.press('Enter');
  await expect(page.getByTestId('cell-editor')).toHaveCount(0);
  await expect(row.getByTestId('run-tag')).toHaveText(['qnn', 'sweep']);
  expect((await ok<RunDetail>(host, 'runs.get', { id })).tags).toEqual(['qnn', 'sweep']);

  const long = 'x'.repeat(65);
  await row.getByTestId('edit-tags').click();
  await input.fill(`ok, ${long}`);
  await input.press('Enter');
  const error = page.getByTestId('cell-editor-error');
  await expect(error).toContainText('tags.1');
  await expect(error).toContainText('Tag 2 has 65 characters; a tag has 1 to 64. Shorten it, then save.');
  await expect(input).toHaveValue(`ok, ${long}`);
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: `${SHOTS}/runs-tag-refused.png` });
  expect((await ok<RunDetail>(host, 'runs.get', { id })).tags).toEqual(['qnn', 'sweep']);
  await input.press('Escape');
  await expect(page.getByTestId('cell-editor')).toHaveCount(0);
  await expect(row.getByTestId('run-tag')).toHaveText(['qnn', 'sweep']);
  await expect(row.getByTestId('edit-tags')).toBeFocused();

  await row.getByTestId('edit-notes').click();
  await input.fill('first try\nparity with mice expected');
  await input.press('Control+Enter');
  await expect(row.getByTestId('run-notes')).toContainText('first try');
  expect((await ok<RunDetail>(host, 'runs.get', { id })).notes).toBe('first try\nparity with mice expected');
  // Still there after a reload: the list reads the notes from the host.
  await page.reload();
  await expect(page.getByTestId('run-row').filter({ hasText: 'alpha qnn' }).getByTestId('run-notes')).toContainText('first try');
});

test('select runs (shift-click for a range) and compare them; a row opens its run page', async ({ page }) => {
  await page.goto('/#/runs');
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(4);
  const ids = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
  const compare = page.getByTestId('runs-compare');
  await expect(compare).toBeDisabled();
  await rows.nth(0).getByTestId('run-select').check();
  await expect(compare).toBeDisabled();
  await rows
    .nth(2)
    .getByTestId('run-select')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('runs-selection')).toContainText('3 selected');
  await rows.nth(1).getByTestId('run-select').uncheck();
  await expect(page.getByTestId('runs-selection')).toContainText('2 selected');
  await compare.click();
  await expect(page).toHaveURL(new RegExp(`#/compare\\?runs=${[ids[0], ids[2]].sort((a, b) => a - b).join(',')}$`));

  await page.goto('/#/runs');
  await page.getByTestId('run-row').nth(1).locator('[data-col=kind]').click();
  await expect(page).toHaveURL(new RegExp(`#/runs/${ids[1]}$`));

  // Keyboard: from the first run's link, arrow down to the second, Enter opens it.
  await page.goto('/#/runs');
  await page.getByTestId('run-link').first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('run-link').nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/runs/${ids[1]}$`));
});

test('a run started from the command line appears while the page is open, running with its progress, then cancelled', async ({ page, host }) => {
  await page.goto('/#/runs');
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  const out = qnnlab([
    'run',
    'start',
    'train',
    '--qubits',
    '8',
    '--layers',
    '3',
    '--epochs',
    '20000',
    '--name',
    'from the CLI',
    '--tag',
    'cli',
    '--db',
    host.databasePath,
    '--detach',
    '--json',
  ]);
  const { id } = JSON.parse(out) as { id: number };
  try {
    const row = page.getByTestId('run-row').filter({ hasText: 'from the CLI' });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('run-status')).toHaveText('running', { timeout: 20_000 });
    const bar = row.getByTestId('run-progress');
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(page.getByTestId('runs-count')).toHaveText('5');
    await page.screenshot({ path: `${SHOTS}/runs-live.png` });
    // A running run cannot be deleted: the host's refusal is shown and the run stays.
    await row.getByTestId('run-select').check();
    await page.getByTestId('runs-delete').click();
    await page.getByTestId('confirm-button').click();
    await expect(page.getByTestId('error-panel')).toContainText(`Run ${id} is running`);
    await expect(row).toHaveCount(1);
    await page.getByTestId('runs-selection').getByRole('button', { name: 'Clear' }).click();
  } finally {
    qnnlab(['run', 'cancel', String(id), '--db', host.databasePath]);
  }
  const row = page.getByTestId('run-row').filter({ hasText: 'from the CLI' });
  await expect(row.getByTestId('run-status')).toHaveText('cancelled', { timeout: 20_000 });
  await expect(row.getByTestId('run-progress')).toHaveCount(0);

  // A finished run is deleted with its children, from the list and the host.
  const experiment = page.getByTestId('run-row').filter({ hasText: 'pbc mean' });
  const experimentId = Number(await experiment.getAttribute('data-id'));
  await experiment.getByTestId('run-select').check();
  await page.getByTestId('runs-delete').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('pbc mean');
  await page.getByTestId('confirm-button').click();
  await expect(experiment).toHaveCount(0);
  await expect(page.getByTestId('runs-count')).toHaveText('4');
  expect((await rpc(host, 'runs.get', { id: experimentId })).ok).toBe(false);
  expect((await ok<RunPage>(host, 'runs.list', { includeChildren: true })).total).toBe(4);
});
