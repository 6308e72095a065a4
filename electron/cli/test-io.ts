// Runs `qnnlab` in-process for tests, capturing stdout and stderr.
import { Writable } from 'node:stream';
import { runCli } from './main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _enc, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

export async function runQnnlab(...argv: string[]): Promise<CliResult> {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, { stdout, stderr, signal: new AbortController().signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
