// The IonQ card of the Settings page against the real web host, pointed at the local fake of IonQ's API (a process of
// its own): the key set in the host's environment is shown as set (never shown itself), the connection test says IonQ
// accepts it; a key IonQ refuses is reported as refused; the web host explains that it keeps no keys.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

const SHOTS = process.env.QNNLAB_SHOTS_DIR ?? '.scratch/shots/S';
const ROOT = join(import.meta.dirname, '..');
const KEY = 'fake-ionq-test-key';
async function shot(page: Page, name: string): Promise<void> {
  await page.getByTestId('settings-provider').screenshot({ path: `${SHOTS}/${name}.png` });
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

/** The fake IonQ service taking `key` on PORT, as a process; resolves with its address. */
async function startFake(key: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test-support/fake-ionq-main.ts'), '--key', key, '--port', PORT], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`the fake IonQ service exited (${code})`)));
  });
  return { url, child };
}

let fake: { url: string; child: ChildProcess };
test.beforeAll(async () => {
  fake = await startFake(KEY);
});
test.afterAll(() => {
  for (const [name, v] of [
    ['QNNLAB_IONQ_URL', saved.url],
    ['QNNLAB_IONQ_API_KEY', saved.key],
  ] as const)
    if (v === undefined) delete process.env[name];
    else process.env[name] = v;
  fake.child.kill('SIGTERM');
});

test('the key from the environment: shown as set, tested against IonQ, never displayed', async ({ page }) => {
  await page.goto('/#/settings');
  const card = page.getByTestId('settings-provider');
  await expect(card.getByTestId('provider-url')).toHaveText(fake.url);
  await expect(card.getByTestId('provider-key')).toHaveText('Set, from QNNLAB_IONQ_API_KEY in the environment');
  await expect(card.getByTestId('provider-env-note')).toContainText('This web host keeps no keys');
  await expect(card.getByTestId('provider-key-input')).toHaveCount(0);
  await card.getByTestId('provider-test').click();
  await expect(card.getByTestId('provider-result')).toHaveText('IonQ answers and accepts the key.');
  expect(await page.content()).not.toContain(KEY);
  await shot(page, 'provider-accepted');
});

test('a key IonQ refuses: the test says so', async ({ page }) => {
  // The same address, now served by a fake that takes another key.
  fake.child.kill('SIGTERM');
  await new Promise((r) => fake.child.once('exit', r));
  fake = await startFake('another-key');
  await page.goto('/#/settings');
  const card = page.getByTestId('settings-provider');
  await card.getByTestId('provider-test').click();
  await expect(card.getByTestId('provider-result')).toContainText('IonQ refused the API key (401');
  await shot(page, 'provider-refused');
});
