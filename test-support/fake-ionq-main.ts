// The fake IonQ service as a process of its own (for Playwright specs, whose loader cannot import core's JSON device
// profiles): `tsx test-support/fake-ionq-main.ts [--key KEY] [--port N] [--queue-ms MS]` prints its address and serves until killed.
import { parseArgs } from 'node:util';
import { startFakeIonq } from './fake-ionq.ts';

const { values } = parseArgs({ options: { key: { type: 'string' }, port: { type: 'string' }, 'queue-ms': { type: 'string' } } });
const fake = await startFakeIonq({
  apiKey: values.key,
  queueMs: values['queue-ms'] ? Number(values['queue-ms']) : undefined,
  port: values.port ? Number(values.port) : undefined,
});
process.stdout.write(`fake IonQ listening on ${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
