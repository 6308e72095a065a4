// `qnnlab`: the command line over the same core and backend services as the app.
import { parseArgs } from 'node:util';
import { commands } from './commands/index.ts';
import { UserError, type Command, type CommandIO } from './command.ts';
import { InvalidInputError } from '../../core/errors.ts';

function helpText(): string {
  const lines = ['qnnlab: QNN Lab on the command line', '', 'Commands:'];
  for (const c of commands) lines.push(`  qnnlab ${c.path.join(' ').padEnd(18)} ${c.summary}`);
  lines.push('', 'Run `qnnlab <command> --help` for its flags.');
  return lines.join('\n');
}

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of commands) {
    const n = command.path.length;
    if (argv.length >= n && command.path.every((w, i) => argv[i] === w) && (!best || n > best.command.path.length)) {
      best = { command, rest: argv.slice(n) };
    }
  }
  return best;
}

export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write(helpText() + '\n');
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`qnnlab: unknown command "${argv.join(' ')}"\n\n${helpText()}\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.summary}\n\nUsage: qnnlab ${command.usage}\n`);
    return 0;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UserError(`${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}\nUsage: qnnlab ${command.usage}`);
    }
    const max = command.positionals ?? 0;
    if (parsed.positionals.length > max) {
      throw new UserError(`unexpected argument "${parsed.positionals[max]}"\nUsage: qnnlab ${command.usage}`);
    }
    await command.run(parsed.values, parsed.positionals, io);
    return 0;
  } catch (e) {
    // Bad input caught by core (InvalidInputError names the value and the allowed range) is the user's to fix.
    if (e instanceof UserError || e instanceof InvalidInputError) {
      io.stderr.write(`qnnlab: ${e.message}\n`);
      return e instanceof UserError ? e.exitCode : 2;
    }
    if (io.signal.aborted) {
      io.stderr.write('qnnlab: cancelled\n');
      return 130;
    }
    io.stderr.write(`qnnlab: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
