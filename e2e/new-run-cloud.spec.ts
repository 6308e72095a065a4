// The New run page with IonQ's cloud backends, against the real web host pointed at the local fake of IonQ's API (a
// process of its own): a training on ionq:simulator with a noise model runs to the end with its jobs in the ledger
// (`qnnlab provider jobs`); a QPU training asks for the charges in a dialog with the estimate and the budget (Cancel
// queues nothing, Confirm starts it with confirmCharges); "run again with changes" keeps the cloud fields; a host
// without an API key says so on the page and points to Settings.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, rpc, test, type Page } from './fixtures.ts';
import { startWebHost } from './web-host.ts';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.QNNLAB_SHOTS_DIR ?? '.scratch/shots/T';
const ROOT = join(import.meta.dirname, '..');
const KEY = 'fake-ionq-new-run-key';
async function shot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 720), 2400) });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** A free port, found before anything starts: the web host of this file reads the fake's address from its environment. */
const PORT = /(\d+)\s*$/.exec(
  execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], {
    env: { PATH: process.env.PATH },
  }).toString(),
)![1];
const saved = { url: process.env.QNNLAB_IONQ_URL, key: process.env.QNNLAB_IONQ_API_KEY };
process.env.QNNLAB_IONQ_URL = `http://127.0.0.1:${PORT}/v0.4`;
process.env.QNNLAB_IONQ_API_KEY = KEY;

let fake: ChildProcess;
test.beforeAll(async () => {
  fake = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test-support/fake-ionq-main.ts'), '--key', KEY, '--port', PORT], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    fake.stdout!.on('data', (d) => {
      out += d;
      if (/listening on /.test(out)) resolve();
    });
    fake.on('exit', (code) => reject(new Error(`the fake IonQ service exited (${code})`)));
  });
});
test.afterAll(() => {
  for (const [name, v] of [
    ['QNNLAB_IONQ_URL', saved.url],
    ['QNNLAB_IONQ_API_KEY', saved.key],
  ] as const)
    if (v === undefined) delete process.env[name];
    else process.env[name] = v;
  fake.kill('SIGTERM');
});

interface Run {
  id: number;
  status: string;
  config: Record<string, unknown>;
}
async function runOf(host: Parameters<typeof rpc>[0], id: number): Promise<Run> {
  const got = await rpc<Run>(host, 'runs.get', { id });
  if (!got.ok) throw new Error(got.error.message);
  return got.value;
}
async function runCount(host: Parameters<typeof rpc>[0]): Promise<number> {
  const got = await rpc<{ total: number }>(host, 'runs.list', { includeChildren: true });
  if (!got.ok) throw new Error(got.error.message);
  return got.value.total;
}

/** A small toy training on `backend` with `shots`. */
async function fillTraining(page: Page, backend: string, shots: string): Promise<void> {
  await page.goto('/#/runs/new?kind=train');
  await page.getByTestId('train-qubits').fill('4');
  await page.getByTestId('train-layers').fill('2');
  await page.getByTestId('train-samples').fill('8');
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-backend').selectOption(backend);
  await page.getByTestId('train-shots').fill(shots);
}

let simulatorRun = 0;

test('ionq:simulator with a noise model: free, started at once, succeeds with its jobs in the ledger', async ({ page, host }) => {
  await fillTraining(page, 'ionq:simulator', '200');
  await expect(page.getByTestId('train-backend').locator('option[value="ionq:simulator"]')).toHaveText("ionq:simulator (IonQ's cloud, free)");
  await expect(page.getByTestId('train-backend').locator('option[value="ionq:qpu.aria-1"]')).toHaveText("ionq:qpu.aria-1 (IonQ's cloud, charged)");
  await page.getByTestId('train-noise-model').selectOption('aria-1');
  await expect(page.getByTestId('estimate-cloud-simulator')).toContainText('free of charge');
  await expect(page.getByTestId('check-status')).toHaveText('Checked by the host');
  await shot(page, 'cloud-simulator');
  await page.getByTestId('start-run').click();
  await expect(page.getByTestId('confirm-dialog')).toBeHidden();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  simulatorRun = Number(/runs\/(\d+)$/.exec(page.url())![1]);
  expect((await runOf(host, simulatorRun)).config).toMatchObject({ backend: 'ionq:simulator', noiseModel: 'aria-1', shots: 200 });
  await expect.poll(async () => (await runOf(host, simulatorRun)).status, { timeout: 45_000 }).toBe('succeeded');

  const ledger = JSON.parse(
    execFileSync(process.execPath, ['bin/qnnlab.mjs', 'provider', 'jobs', '--run', String(simulatorRun), '--db', host.databasePath, '--json'], {
      cwd: ROOT,
      env: process.env,
    }).toString(),
  ) as { backend: string; status: string; shots: number; circuits: number }[];
  expect(ledger.length).toBeGreaterThan(0);
  for (const job of ledger) expect(job).toMatchObject({ backend: 'ionq:simulator', status: 'completed' });
});

test('a QPU training: the dialog shows the cost and the budget; Cancel queues nothing, Confirm starts it', async ({ page, host }) => {
  expect(await rpc(host, 'settings.update', { budgetUSD: 500 })).toMatchObject({ ok: true });
  await fillTraining(page, 'ionq:qpu.aria-1', '100');
  await expect(page.getByTestId('train-noise-model')).toHaveCount(0);
  // IonQ debiases from 500 shots: the host's check says so on the field.
  await page.getByTestId('train-debiasing').selectOption('on');
  await expect(page.locator('[data-testid="field-problem"][data-field="debiasing"]')).toContainText('needs at least 500 shots per circuit');
  await expect(page.getByTestId('start-run')).toBeDisabled();
  await page.getByTestId('train-debiasing').selectOption('off');
  await expect(page.getByTestId('run-within-budget')).toBeVisible();
  await expect(page.getByTestId('run-estimate')).toContainText('charged to your IonQ account');
  const check = await rpc<{ estimate: { costUSD: number; circuits: number } }>(host, 'runs.check', {
    kind: 'train',
    config: {
      qubits: 4,
      layers: 2,
      samples: 8,
      epochs: 1,
      backend: 'ionq:qpu.aria-1',
      shots: 100,
      debiasing: false,
      optimiser: 'adam',
      method: 'parallel-shift',
      seed: 0,
    },
  });
  if (!check.ok) throw new Error(check.error.message);
  const cost = `$${check.value.estimate.costUSD.toFixed(2)}`;
  const before = await runCount(host);

  await page.getByTestId('start-run').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('charges-cost')).toHaveText(cost);
  await expect(dialog.getByTestId('charges-circuits')).toHaveText(check.value.estimate.circuits.toLocaleString('en-US'));
  await expect(dialog.getByTestId('charges-budget')).toHaveText('$500.00');
  await shot(page, 'cloud-qpu-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/#\/runs\/new/);
  expect(await runCount(host)).toBe(before);

  await page.getByTestId('start-run').click();
  await dialog.getByTestId('confirm-button').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const id = Number(/runs\/(\d+)$/.exec(page.url())![1]);
  expect(await runCount(host)).toBe(before + 1);
  expect((await runOf(host, id)).config).toMatchObject({ backend: 'ionq:qpu.aria-1', shots: 100, debiasing: false });
  await rpc(host, 'runs.cancel', { id });
  await rpc(host, 'settings.update', { budgetUSD: null });
});

test('run again with changes: a cloud run fills the backend and its noise model', async ({ page }) => {
  expect(simulatorRun).toBeGreaterThan(0);
  await page.goto(`/#/runs/new?from=${simulatorRun}`);
  await expect(page.getByTestId('from-run')).toContainText(`run ${simulatorRun}`);
  await expect(page.getByTestId('train-backend')).toHaveValue('ionq:simulator');
  await expect(page.getByTestId('train-noise-model')).toHaveValue('aria-1');
  await expect(page.getByTestId('train-shots')).toHaveValue('200');
});

test('without an API key the cloud backends say so and the page says what to do', async ({ browser }) => {
  delete process.env.QNNLAB_IONQ_API_KEY;
  const keyless = await startWebHost({ label: 'e2e-nokey' });
  process.env.QNNLAB_IONQ_API_KEY = KEY;
  const context = await browser.newContext({ baseURL: keyless.url });
  try {
    await context.addCookies([keyless.cookie]);
    const page = await context.newPage();
    await fillTraining(page, 'ionq:simulator', '200');
    await expect(page.getByTestId('train-backend').locator('option[value="ionq:simulator"]')).toHaveText("ionq:simulator (IonQ's cloud, free; no API key set)");
    await expect(page.getByTestId('cloud-no-key')).toContainText('none is set');
    await expect(page.locator('[data-testid="field-problem"][data-field="backend"]')).toContainText('No IonQ API key is set');
    await expect(page.getByTestId('start-needs-key')).toContainText('Start needs an IonQ API key');
    await expect(page.getByTestId('start-run')).toBeDisabled();
    await shot(page, 'cloud-no-key');
    await page.getByTestId('cloud-no-key').getByRole('link', { name: 'Settings' }).click();
    await expect(page).toHaveURL(/#\/settings$/);
  } finally {
    await context.close();
    await keyless.stop();
  }
});
