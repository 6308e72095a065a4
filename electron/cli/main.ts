// `qnnlab`: the command line over the same core and backend services as the app.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { commands } from './commands/index.ts';
import { parseArgsOptions, UserError, type Command, type CommandIO } from './command.ts';
import { commandHelp, groupHelp, programHelp } from './help.ts';
import { projectRoot } from '../backend/paths.ts';
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
  UNAVAILABLE: 1,
  INTERNAL: 1,
};

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
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

/**
 * parseArgs reads `--budget -3` as a flag without its value followed by an option `-3`; a value that is a negative
 * number is the flag's value, so it is joined as `--budget=-3` (the flag's own check then says what is allowed).
 */
export function joinNegativeValues(args: readonly string[], command: Command): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const spec = a.startsWith('--') && !a.includes('=') ? command.options[a.slice(2)] : undefined;
    if (spec?.type === 'string' && i + 1 < args.length && /^-(\d|\.\d)/.test(args[i + 1])) {
      out.push(`${a}=${args[i + 1]}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Every required flag left out, reported at once. */
function checkRequired(command: Command, values: Record<string, unknown>): void {
  const missing = Object.entries(command.options)
    .filter(([name, s]) => s.required && values[name] === undefined)
    .map(([name]) => `--${name}`);
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
    throw new UserError(
      `${list} ${missing.length === 1 ? 'is' : 'are'} required\nUsage: qnnlab ${command.usage}\n(\`qnnlab ${command.path.join(' ')} --help\` describes every flag)`,
      {
        field: missing[0].slice(2),
      },
    );
  }
}

export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write(programHelp(commands, version()) + '\n');
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const found = findCommand(argv);
  const group = commands.some((c) => c.path.length > 1 && c.path[0] === argv[0]) ? argv[0] : undefined;
  // A word after a group's own command (`qnnlab devices lst`) is an unknown subcommand, not an argument.
  const strayWord =
    found && group && found.command.path.length === 1 && (found.command.positionals ?? 0) === 0 && found.rest.length > 0 && !found.rest[0].startsWith('-');
  if (!found || strayWord) {
    if (group && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h' || argv[1] === 'help')) {
      io.stdout.write(groupHelp(group, commands) + '\n');
      return 0;
    }
    io.stderr.write(`qnnlab: unknown command "${argv.join(' ')}"\n\n${group ? groupHelp(group, commands) : programHelp(commands, version())}\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: joinNegativeValues(rest, command), options: parseArgsOptions(command.options), allowPositionals: true, strict: true });
    } catch (e) {
      throw new UserError(`${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}\nUsage: qnnlab ${command.usage}`);
    }
    checkRequired(command, parsed.values);
    const max = command.positionals ?? 0;
    if (parsed.positionals.length > max) {
      throw new UserError(`unexpected argument "${parsed.positionals[max]}"\nUsage: qnnlab ${command.usage}`);
    }
    const code = await command.run(parsed.values, parsed.positionals, io);
    return typeof code === 'number' ? code : 0;
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
