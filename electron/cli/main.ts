// `qnnlab`: the command line over the same core and backend services as the app.
import { parseArgs } from 'node:util';
import { commands } from './commands/index.ts';
import { UserError, type Command, type CommandIO } from './command.ts';
import { LabError, type ErrorCode } from '../../core/errors.ts';
import { toApiError } from '../backend/errors.ts';

/** Exit codes by error code: 2 for input the user can fix, 1 for the machine's state (and bugs), 130 for Ctrl+C. */
export const EXIT_CODES: Record<ErrorCode, number> = {
  VALIDATION: 2,
  UNKNOWN_CHANNEL: 2,
  NOT_FOUND: 2,
  CSV_INVALID: 2,
  TOO_LARGE: 2,
  CONFLICT: 2,
  FORBIDDEN: 2,
  CANCELLED: 130,
  DATABASE: 1,
  READ_ONLY: 1,
  DISK_FULL: 1,
  BUSY: 1,
  INTERNAL: 1,
};

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
    // One mapper for every failure (the same as the API's): a LabError keeps its message (and a cancellation its
    // own); database and file-system failures get theirs; only a bug prints a stack trace.
    const cancelled = io.signal.aborted && !(e instanceof LabError && e.code === 'CANCELLED');
    const error = cancelled ? { code: 'CANCELLED' as const, message: 'cancelled' } : toApiError(e);
    if (error.code === 'INTERNAL') {
      io.stderr.write(`qnnlab: internal error: ${(e as Error).stack ?? String(e)}\n`);
      return EXIT_CODES.INTERNAL;
    }
    io.stderr.write(`qnnlab: ${!cancelled && e instanceof LabError ? e.message : error.message}\n`);
    return EXIT_CODES[error.code];
  }
}
